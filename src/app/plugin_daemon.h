// Provides PluginDaemon, the composition behind `serve`: probe the hardware, plan the resources
// of the chosen profile (EPC units or shared SGX devices, plus confidential VM guest interfaces),
// serve each to the kubelet on its own socket, follow device-node changes and kubelet restarts,
// keep the CDI spec current when asked to, serve /metrics, /healthz and /readyz, keep the node
// labels file for NFD current, and stop cleanly on SIGTERM/SIGINT or Stop().
// Thread safety: Run() on one thread; Stop() and the read-only accessors from any thread; the
// HTTP handlers run on the metrics server's threads and only read.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/daemon_options.h"
#include "common/event_loop.h"
#include "common/log_on_change.h"
#include "health/device_watcher.h"
#include "hw/cpuid_source.h"
#include "hw/host_root.h"
#include "hw/inventory.h"
#include "kubeapi/capacity_publisher.h"
#include "kubelet/plugin_endpoint.h"
#include "kubelet/snapshot_store.h"
#include "observe/metrics_server.h"
#include "observe/node_labels.h"
#include "observe/pod_resources.h"

namespace teedp::app {

class PluginDaemon {
 public:
  // Validates options, opens the CPUID source, probes and plans. InvalidArgument for bad options
  // (a usage error), other codes for what the node or the files refused.
  static absl::StatusOr<std::unique_ptr<PluginDaemon>> Create(DaemonOptions options);
  ~PluginDaemon();

  // Serves until Stop() or a termination signal. Returns an error when serving cannot start.
  absl::Status Run();
  void Stop();
  // False when Run() returned with a server still shutting down behind a kubelet connection that
  // stopped reading; the process should then exit without running destructors.
  bool clean_shutdown() const { return clean_shutdown_; }
  // The metrics server's port (the kernel's choice for port 0), or 0 when it is off.
  int metrics_port() const { return metrics_server_ == nullptr ? 0 : metrics_server_->port(); }

 private:
  PluginDaemon(DaemonOptions options, std::unique_ptr<hw::CpuidSource> cpuid,
               std::unique_ptr<EventLoop> loop);
  // One resource served to the kubelet.
  struct Served {
    resources::ResourceSpec spec;
    std::unique_ptr<kubelet::SnapshotStore> store;
    std::unique_ptr<kubelet::PluginEndpoint> endpoint;
  };

  absl::Status Plan();
  absl::StatusOr<resources::EpcPlan> PlanOne(const hw::Inventory& inventory,
                                             const resources::ResourceSpec& spec) const;
  absl::Status WriteCdiSpec() const;
  absl::Status BindMetrics();
  void UpdateNodeLabels(const hw::Inventory& inventory);
  void RemoveNodeLabels();
  // The HTTP handlers (metrics server threads).
  std::string RenderMetrics();
  observe::ProbeResult CheckLive() const;
  observe::ProbeResult CheckReady() const;
  absl::Status WatchSignals();
  absl::Status WatchDevices();
  void Reprobe();
  bool ShutdownEndpoints();
  static void LogPlan(const hw::Inventory& inventory, const resources::EpcPlan& plan);

  DaemonOptions options_;
  hw::HostRoot root_;
  std::unique_ptr<hw::CpuidSource> cpuid_;
  std::unique_ptr<EventLoop> loop_;
  std::vector<Served> served_;  // fixed at start, in ResourcesFor order
  // --register-epc: keeps the EPC extended resource in the Node's capacity; null otherwise.
  std::unique_ptr<kubeapi::CapacityPublisher> capacity_publisher_;
  std::unique_ptr<health::DeviceWatcher> device_watcher_;
  std::unique_ptr<observe::NodeLabelsFile> node_labels_;  // null when --nfd-features-dir is ""
  LogOnChange node_labels_failures_;                      // logged once per change
  std::unique_ptr<observe::PodResourcesReader> pod_resources_;
  // Destroyed before the members above, which its handlers read (and stopped first in ~).
  std::unique_ptr<observe::MetricsServer> metrics_server_;
  int signal_fd_ = -1;
  bool clean_shutdown_ = true;
};

// The line `serve` logs and `detect` prints for a plan: units and their size for EPC, slots and
// the device for a shared resource, and health.
std::string DescribePlan(const hw::Inventory& inventory, const resources::EpcPlan& plan);

// The loud warning for a plan cut to the kubelet's message limit: the node's EPC, what is
// advertised, and the smallest unit that would list all of it.
std::string CappedWarning(const hw::Inventory& inventory, const resources::EpcPlan& plan);

// Blocks SIGTERM and SIGINT in the calling thread (and threads it starts later) so the daemon can
// read them from a signalfd. Call first thing in main, before gRPC starts threads.
void BlockTerminationSignals();

}  // namespace teedp::app
