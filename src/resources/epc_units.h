// Provides the EPC resource kind: EPC cut into fixed-size units, each a device. EpcConfig is what
// the operator chooses; EpcUnits is what a plan of this kind carries. The planner is in
// epc_units_planner.h.
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string_view>

#include "resources/epc_unit_size.h"
#include "resources/resource_name.h"

namespace teedp::resources {

inline constexpr std::string_view kDefaultEpcResource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";

struct EpcConfig {
  ResourceName resource_name = ResourceName::BuiltIn(kDefaultEpcResource);
  EpcUnitSize unit;
};

struct EpcUnits {
  using Config = EpcConfig;
  uint64_t unit_bytes = kMiB;
  // When the plan is capped (see ResourcePlan::units_on_node): the smallest unit whose full list
  // fits the kubelet's message limit, 0 when even 1 GiB units do not. 0 when not capped.
  uint64_t smallest_fitting_unit_bytes = 0;
  friend bool operator==(const EpcUnits&, const EpcUnits&) = default;
};

}  // namespace teedp::resources
