#include "resources/epc_units_planner.h"

#include <algorithm>
#include <limits>

#include "resources/device_list_size.h"

namespace teedp::resources {
namespace {

constexpr uint64_t kMaxUnits = std::numeric_limits<uint32_t>::max();

// Appends a block of `units` on `numa_node` after the existing ones, clamping the plan to
// UINT32_MAX units in total (IDs are 32-bit); a block that would be empty is left out.
void AppendBlock(int numa_node, uint64_t units, ResourcePlan* plan) {
  uint64_t room = kMaxUnits - plan->unit_count;
  uint32_t count = static_cast<uint32_t>(std::min(units, room));
  if (count == 0) return;
  plan->blocks.push_back({numa_node, plan->unit_count, count});
  plan->unit_count += count;
}

void PlanBlocks(const hw::Inventory& inventory, uint64_t unit_bytes, ResourcePlan* plan) {
  if (inventory.numa_epc.empty()) {
    plan->has_topology = false;
    AppendBlock(-1, inventory.epc_bytes / unit_bytes, plan);
    return;
  }
  // The inventory promises sorted nodes; sorting a copy keeps the plan's ascending-node invariant
  // even if it did not, and a node listed twice becomes one block.
  std::vector<hw::NumaEpc> nodes = inventory.numa_epc;
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const hw::NumaEpc& a, const hw::NumaEpc& b) { return a.node < b.node; });
  for (size_t i = 0; i < nodes.size();) {
    uint64_t units = 0;
    size_t end = i;
    for (; end < nodes.size() && nodes[end].node == nodes[i].node; ++end) {
      // Each term is below 2^45 and the sum stays at most 2^32, so this cannot overflow.
      units = std::min(units + nodes[end].bytes / unit_bytes, kMaxUnits);
    }
    AppendBlock(nodes[i].node, units, plan);
    i = end;
  }
  // One NUMA node tells the topology manager nothing and costs bytes per device.
  plan->has_topology = plan->blocks.size() > 1;
}

// Cuts the plan to what the kubelet accepts and, when it had to, finds the smallest unit size
// whose full list would fit.
void FitToKubeletLimit(const hw::Inventory& inventory, uint64_t unit_bytes, ResourcePlan* plan,
                       EpcUnits* kind) {
  plan->units_on_node = plan->unit_count;
  std::vector<UnitBlock> fitted = FitBlocks(plan->blocks, plan->has_topology);
  if (fitted == plan->blocks) return;
  plan->blocks = std::move(fitted);
  plan->unit_count = 0;
  for (const UnitBlock& block : plan->blocks) plan->unit_count += block.count;
  for (uint64_t unit = unit_bytes * 2; unit <= kGiB; unit *= 2) {
    ResourcePlan larger;
    PlanBlocks(inventory, unit, &larger);
    if (FitBlocks(larger.blocks, larger.has_topology) == larger.blocks) {
      kind->smallest_fitting_unit_bytes = unit;
      return;
    }
  }
}

void PlanHealth(const hw::Inventory& inventory, ResourcePlan* plan) {
  if (!inventory.SgxUsable()) {
    plan->healthy = false;
    plan->health_reason = inventory.problems.front();
  } else if (plan->unit_count == 0) {
    plan->healthy = false;
    plan->health_reason = "no EPC";
  } else {
    plan->healthy = true;
    plan->health_reason.clear();
  }
}

}  // namespace

ResourcePlan PlanKind(const hw::Inventory& inventory, const EpcConfig& config) {
  const uint64_t unit_bytes = config.unit.bytes();
  ResourcePlan plan;
  plan.resource_name = config.resource_name.str();
  EpcUnits kind{.unit_bytes = unit_bytes};
  PlanBlocks(inventory, unit_bytes, &plan);
  FitToKubeletLimit(inventory, unit_bytes, &plan, &kind);
  plan.kind = kind;
  PlanHealth(inventory, &plan);
  plan.container_edits = PlanContainerEdits(inventory);
  return plan;
}

}  // namespace teedp::resources
