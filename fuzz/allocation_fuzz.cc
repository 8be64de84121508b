// Fuzzes the allocation path with kubelet-shaped input: a plan of up to a few thousand units over
// up to four NUMA nodes, then available and must-include ID lists (raw strings or valid IDs)
// and an allocation size. UnitSelection::Add, AllocateContainer and PreferUnits must never
// crash, must refuse exactly the invalid requests, and a preferred allocation must have the
// requested size, be ascending without repeats, lie inside `available` and hold `must_include`.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

#include "resources/device_id.h"
#include "resources/unit_selection.h"

namespace teedp::resources {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

ResourcePlan FuzzPlan(FuzzedDataProvider& input) {
  ResourcePlan plan;
  plan.healthy = input.ConsumeBool();
  plan.health_reason = plan.healthy ? "" : "fuzzed";
  plan.container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  int nodes = input.ConsumeIntegralInRange(0, 4);
  plan.has_topology = nodes > 0;
  for (int node = 0; node < std::max(nodes, 1); ++node) {
    uint32_t count = input.ConsumeIntegralInRange<uint32_t>(0, 1500);
    if (count == 0) continue;
    plan.blocks.push_back({nodes > 0 ? node : -1, plan.unit_count, count});
    plan.unit_count += count;
  }
  return plan;
}

// Adds IDs to `selection`: a valid index (sometimes one already in `from`), or a raw string.
void FuzzIds(FuzzedDataProvider& input, const ResourcePlan& plan, const UnitSelection* from,
             UnitSelection* selection) {
  const std::vector<uint32_t> in = from != nullptr ? from->Indices() : std::vector<uint32_t>();
  int ids = input.ConsumeIntegralInRange(0, 3000);
  for (int i = 0; i < ids && input.remaining_bytes() > 0; ++i) {
    std::string id;
    switch (input.ConsumeIntegralInRange(0, 3)) {
      case 0:
        id = input.ConsumeRandomLengthString(12);
        break;
      case 1:
        if (!in.empty()) {
          id = DeviceId(in[input.ConsumeIntegralInRange<size_t>(0, in.size() - 1)]);
          break;
        }
        [[fallthrough]];
      default:
        id = DeviceId(input.ConsumeIntegralInRange<uint32_t>(0, plan.unit_count + 2));
    }
    std::optional<uint32_t> index = ParseDeviceId(id);
    bool fresh = index && *index < plan.unit_count && !selection->Contains(*index);
    uint32_t before = selection->size();
    Check(selection->Add(id).ok() == fresh);
    Check(selection->size() == before + (fresh ? 1 : 0));
  }
}

void CheckAllocate(const ResourcePlan& plan, const UnitSelection& units) {
  absl::StatusOr<ContainerEdits> edits = AllocateContainer(plan, units);
  Check(edits.ok() == (units.size() > 0 && plan.healthy));
  if (edits.ok()) Check(*edits == plan.container_edits);
}

void CheckPrefer(const ResourcePlan& plan, const UnitSelection& available,
                 const UnitSelection& must, int64_t size) {
  bool inside = true;
  for (uint32_t index : must.Indices()) inside = inside && available.Contains(index);
  bool valid =
      size >= 1 && size <= int64_t{available.size()} && inside && int64_t{must.size()} <= size;
  absl::StatusOr<std::vector<uint32_t>> chosen = PreferUnits(plan, available, must, size);
  Check(chosen.ok() == valid);
  if (!chosen.ok()) return;
  Check(int64_t(chosen->size()) == size);
  Check(std::adjacent_find(chosen->begin(), chosen->end(), std::greater_equal<uint32_t>()) ==
        chosen->end());
  for (uint32_t index : *chosen) Check(available.Contains(index));
  for (uint32_t index : must.Indices()) {
    Check(std::binary_search(chosen->begin(), chosen->end(), index));
  }
}

}  // namespace
}  // namespace teedp::resources

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace teedp::resources;
  FuzzedDataProvider input(data, size);
  const ResourcePlan plan = FuzzPlan(input);
  UnitSelection available(plan.unit_count);
  FuzzIds(input, plan, nullptr, &available);
  UnitSelection must(plan.unit_count);
  FuzzIds(input, plan, &available, &must);
  CheckAllocate(plan, available);
  // Mostly sizes near the valid range, where the policy has choices to make.
  const int64_t most = int64_t{available.size()} + 1;
  const int64_t least = std::min<int64_t>(must.size(), most);
  int64_t wanted = input.ConsumeBool() ? input.ConsumeIntegral<int64_t>()
                                       : input.ConsumeIntegralInRange<int64_t>(least, most);
  CheckPrefer(plan, available, must, wanted);
  return 0;
}
