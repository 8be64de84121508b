// Benchmarks of the resources policy on the sizes the kubelet sends: 1 Ki, 64 Ki and 256 Ki EPC
// units split over two NUMA nodes. The argument is the unit count.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "resources/device_id.h"
#include "resources/epc_units_planner.h"
#include "resources/unit_selection.h"

namespace teedp::resources {
namespace {

hw::Inventory TwoNodeInventory(uint32_t units) {
  hw::Inventory inventory;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.aesmd_socket_dir = true;
  inventory.numa_epc = {{0, uint64_t{units / 2} * kMiB}, {1, uint64_t{units - units / 2} * kMiB}};
  inventory.epc_bytes = uint64_t{units} * kMiB;
  return inventory;
}

// The allocation logic measured on exactly `units` units: the planner itself would cut a node
// this large to what one kubelet message can list.
ResourcePlan TwoNodePlan(uint32_t units) {
  ResourcePlan plan = PlanKind(TwoNodeInventory(units), {});
  plan.blocks = {{0, 0, units / 2}, {1, units / 2, units - units / 2}};
  plan.unit_count = units;
  plan.has_topology = true;
  return plan;
}

void BM_PlanEpcUnits(benchmark::State& state) {
  const hw::Inventory inventory = TwoNodeInventory(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) {
    ResourcePlan plan = PlanKind(inventory, {});
    benchmark::DoNotOptimize(plan);
  }
}

// An Allocate for a container that holds every unit: parse, check and answer.
void BM_SelectAndAllocate(benchmark::State& state) {
  const uint32_t units = static_cast<uint32_t>(state.range(0));
  const ResourcePlan plan = TwoNodePlan(units);
  std::vector<std::string> ids;
  ids.reserve(units);
  for (uint32_t i = 0; i < units; ++i) ids.push_back(DeviceId(i));
  for (auto _ : state) {
    UnitSelection selection(plan.unit_count);
    for (const std::string& id : ids) {
      if (!selection.Add(id).ok()) state.SkipWithError("Add failed");
    }
    absl::StatusOr<ContainerEdits> edits = AllocateContainer(plan, selection);
    benchmark::DoNotOptimize(edits);
  }
  state.SetItemsProcessed(state.iterations() * units);
}

// Half the node is in use elsewhere (every other unit of node 0), a few units must be included,
// and the container wants half of all units: the policy has to spread over both nodes.
void BM_PreferUnits(benchmark::State& state) {
  const uint32_t units = static_cast<uint32_t>(state.range(0));
  const ResourcePlan plan = TwoNodePlan(units);
  UnitSelection available(plan.unit_count);
  for (uint32_t i = 0; i < units; ++i) {
    if (i >= units / 2 || i % 2 == 0) available.AddIndex(i);
  }
  UnitSelection must(plan.unit_count);
  must.AddIndex(0);
  must.AddIndex(units - 1);
  const int64_t size = units / 2 + units / 8;
  for (auto _ : state) {
    absl::StatusOr<std::vector<uint32_t>> chosen = PreferUnits(plan, available, must, size);
    if (!chosen.ok()) state.SkipWithError("PreferUnits failed");
    benchmark::DoNotOptimize(chosen);
  }
  state.SetItemsProcessed(state.iterations() * units);
}

BENCHMARK(BM_PlanEpcUnits)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 18);
BENCHMARK(BM_SelectAndAllocate)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 18);
BENCHMARK(BM_PreferUnits)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 18);

}  // namespace
}  // namespace teedp::resources
