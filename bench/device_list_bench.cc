// Benchmarks of the device list as the kubelet receives it: the ListAndWatchResponse serialized
// once per published snapshot, on the sizes the plugin advertises (1 Ki, 64 Ki units, and the
// 176,762 units that fill the kubelet's 4 MiB message), split over two NUMA nodes.
#include <benchmark/benchmark.h>

#include "kubelet/device_list_encoder.h"
#include "resources/resource_plan.h"

namespace teedp::kubelet {
namespace {

resources::ResourcePlan TwoNodePlan(uint32_t units) {
  resources::ResourcePlan plan;
  plan.resource_name = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
  plan.blocks = {{0, 0, units / 2}, {1, units / 2, units - units / 2}};
  plan.unit_count = units;
  plan.units_on_node = units;
  plan.has_topology = true;
  plan.healthy = true;
  return plan;
}

void BM_SerializeDeviceList(benchmark::State& state) {
  const resources::ResourcePlan plan = TwoNodePlan(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) {
    grpc::Slice bytes = SerializeDeviceList(plan);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_SerializeDeviceList)
    ->Arg(1 << 10)
    ->Arg(1 << 16)
    ->Arg(176762)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace teedp::kubelet
