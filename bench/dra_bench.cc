// The DRA driver in process, over its real unix sockets: NodePrepareResources as the kubelet
// calls it (through the emulator's DRA side) for 1 and 10 claims, each claim read from an
// in-memory API (the demo's; a real API server's GET is not in these figures), given its CDI spec
// and recorded in the checkpoint before the answer; and the time from the daemon's creation to
// its first ResourceSlices publication. Percentiles come from every iteration's own time.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "app/demo_dra_api.h"
#include "app/dra_daemon.h"
#include "dra_kubelet.h"
#include "hw/simulated_node.h"

namespace teedp::app {
namespace {

const std::string kDriver(resources::kSgxDraDriver);

// A simulated two-NUMA SGX node in a temporary directory, with the daemon's options pointing at it.
struct Node {
  Node() {
    char path[] = "/tmp/tee-dra-bench-XXXXXX";
    dir = mkdtemp(path) != nullptr ? path : "";
    auto spec = hw::ParseSimulatedNodeSpec("numa=4GiB,4GiB driver=in-kernel aesmd=on");
    ok = !dir.empty() && spec.ok() && hw::WriteSimulatedNode(dir + "/host", *spec).ok();
    std::filesystem::create_directories(dir + "/registry");
    options.kubelet_api = kDraKubeletApi;
    options.host_root = dir + "/host";
    options.cpuid_dump = dir + "/host/cpuid.txt";
    options.dra_registry_dir = dir + "/registry";
    options.dra_plugins_dir = dir + "/plugins";
    options.cdi_dir = dir + "/cdi";
    options.handle_signals = false;
    options.metrics_address.clear();
    options.nfd_features_dir.clear();
    options.pod_resources_socket.clear();
  }
  ~Node() { std::filesystem::remove_all(dir); }
  std::string dir;
  bool ok = false;
  DaemonOptions options;
};

class Serving {
 public:
  Serving(const DaemonOptions& options, DemoDraApi& api) {
    auto daemon = DraDaemon::CreateWith(options, api.Api());
    if (!daemon.ok()) return;
    daemon_ = *std::move(daemon);
    thread_ = std::thread([this] { (void)daemon_->Run(); });
  }
  ~Serving() {
    if (daemon_ == nullptr) return;
    daemon_->Stop();
    thread_.join();
  }
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;
  bool ok() const { return daemon_ != nullptr; }

 private:
  std::unique_ptr<DraDaemon> daemon_;
  std::thread thread_;
};

void ReportPercentiles(benchmark::State& state, std::vector<double> micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

void BM_DraPrepare(benchmark::State& state) {
  const auto claims = static_cast<int>(state.range(0));
  Node node;
  DemoDraApi api("bench-node");
  Serving serving(node.options, api);
  emulator::DraKubelet kubelet(node.options.dra_registry_dir);
  if (!node.ok || !serving.ok() || !kubelet.WaitAndRegister(kDriver, absl::Seconds(10)).ok()) {
    state.SkipWithError("the driver did not start or register");
    return;
  }
  while (api.Published(kDriver).devices.empty()) std::this_thread::yield();
  std::vector<double> micros;
  int round = 0;
  for (auto _ : state) {
    std::vector<emulator::DraClaim> batch;
    for (int i = 0; i < claims; ++i) {
      auto claim = api.AllocateEpc(absl::StrCat("c", round, "-", i), uint64_t{64} << 20);
      if (!claim) {
        state.SkipWithError("no EPC left to allocate");
        return;
      }
      batch.push_back({claim->namespace_name, claim->name, claim->uid});
    }
    const auto started = std::chrono::steady_clock::now();
    auto prepared = kubelet.Prepare(kDriver, batch);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    state.SetIterationTime(took.count());
    micros.push_back(took.count() * 1e6);
    if (!prepared.ok() || prepared->claims_size() != claims) {
      state.SkipWithError("NodePrepareResources failed");
      return;
    }
    if (!kubelet.Unprepare(kDriver, batch).ok()) {
      state.SkipWithError("NodeUnprepareResources failed");
      return;
    }
    for (const emulator::DraClaim& claim : batch) api.Delete(claim.name);
    ++round;
  }
  ReportPercentiles(state, std::move(micros));
}
BENCHMARK(BM_DraPrepare)
    ->Arg(1)
    ->Arg(10)
    ->Iterations(300)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_DraStartToSlicesPublished(benchmark::State& state) {
  Node node;
  std::vector<double> micros;
  for (auto _ : state) {
    DemoDraApi api("bench-node");
    // The kubelet's plugin watcher registers the driver as soon as its socket appears; the slices
    // follow that registration.
    emulator::DraKubelet kubelet(node.options.dra_registry_dir);
    const auto started = std::chrono::steady_clock::now();
    Serving serving(node.options, api);
    const bool registered =
        serving.ok() && kubelet.WaitAndRegister(kDriver, absl::Seconds(10)).ok();
    while (registered && api.Published(kDriver).devices.empty()) std::this_thread::yield();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (!registered) {
      state.SkipWithError("the driver did not start or register");
      return;
    }
    state.SetIterationTime(took.count());
    micros.push_back(took.count() * 1e6);
  }
  ReportPercentiles(state, std::move(micros));
}
BENCHMARK(BM_DraStartToSlicesPublished)
    ->Iterations(30)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace teedp::app
