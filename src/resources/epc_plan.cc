#include "resources/epc_plan.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "resources/device_list_size.h"

namespace teedp::resources {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kMaxUnits = std::numeric_limits<uint32_t>::max();

// Appends a block of `units` on `numa_node` after the existing ones, clamping the plan to
// UINT32_MAX units in total (IDs are 32-bit); a block that would be empty is left out.
void AppendBlock(int numa_node, uint64_t units, EpcPlan* plan) {
  uint64_t room = kMaxUnits - plan->unit_count;
  uint32_t count = static_cast<uint32_t>(std::min(units, room));
  if (count == 0) return;
  plan->blocks.push_back({numa_node, plan->unit_count, count});
  plan->unit_count += count;
}

void PlanBlocks(const hw::Inventory& inventory, uint64_t unit_bytes, EpcPlan* plan) {
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
void FitToKubeletLimit(const hw::Inventory& inventory, EpcPlan* plan) {
  plan->units_on_node = plan->unit_count;
  std::vector<UnitBlock> fitted = FitBlocks(plan->blocks, plan->has_topology);
  if (fitted == plan->blocks) return;
  plan->blocks = std::move(fitted);
  plan->unit_count = 0;
  for (const UnitBlock& block : plan->blocks) plan->unit_count += block.count;
  for (uint64_t unit = plan->unit_bytes * 2; unit <= kGiB; unit *= 2) {
    EpcPlan larger;
    larger.unit_bytes = unit;
    PlanBlocks(inventory, unit, &larger);
    if (FitBlocks(larger.blocks, larger.has_topology) == larger.blocks) {
      plan->smallest_fitting_unit_bytes = unit;
      return;
    }
  }
}

void PlanHealth(const hw::Inventory& inventory, EpcPlan* plan) {
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

absl::Status ValidateUnitBytes(uint64_t unit_bytes) {
  if (std::has_single_bit(unit_bytes) && unit_bytes >= kMiB && unit_bytes <= kGiB) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("EPC unit of ", unit_bytes,
                                                 " bytes is not a power of two between ", kMiB,
                                                 " (1 MiB) and ", kGiB, " (1 GiB)"));
}

int EpcPlan::NumaNodeOf(uint32_t index) const {
  // The first block starting after `index`; the one before it holds `index`.
  auto after = std::upper_bound(blocks.begin(), blocks.end(), index,
                                [](uint32_t i, const UnitBlock& block) { return i < block.first; });
  if (after == blocks.begin()) return -1;
  return std::prev(after)->numa_node;
}

absl::StatusOr<EpcPlan> PlanEpcDevices(const hw::Inventory& inventory, const EpcConfig& config) {
  TEE_RETURN_IF_ERROR(ValidateResourceName(config.resource_name));
  TEE_RETURN_IF_ERROR(ValidateUnitBytes(config.unit_bytes));
  EpcPlan plan;
  plan.resource_name = config.resource_name;
  plan.unit_bytes = config.unit_bytes;
  PlanBlocks(inventory, config.unit_bytes, &plan);
  FitToKubeletLimit(inventory, &plan);
  PlanHealth(inventory, &plan);
  plan.container_edits = PlanContainerEdits(inventory);
  return plan;
}

}  // namespace teedp::resources
