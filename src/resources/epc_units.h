// Provides EpcUnits, what is particular to the EPC resource kind: EPC cut into fixed-size units,
// each a device. The planner is in plan_epc_units.h.
// Thread safety: a plain value.
#pragma once

#include <cstdint>

namespace teedp::resources {

inline constexpr uint64_t kMiB = uint64_t{1} << 20;

struct EpcUnits {
  uint64_t unit_bytes = kMiB;
  // When the plan is capped (see ResourcePlan::units_on_node): the smallest unit whose full list
  // fits the kubelet's message limit, 0 when even 1 GiB units do not. 0 when not capped.
  uint64_t smallest_fitting_unit_bytes = 0;
  friend bool operator==(const EpcUnits&, const EpcUnits&) = default;
};

}  // namespace teedp::resources
