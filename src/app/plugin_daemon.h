// Provides PluginDaemon, the composition behind `serve`. It only wires and sequences: the plan
// comes from resources::PlanNode, each resource is served by a kubelet::PluginEndpoint, the CDI
// spec and the node labels file are kept by their writers (CdiSpecWriter, NodeLabelsUpdater), and
// /metrics, /healthz and /readyz by observe::MetricsServer. Device-node changes re-probe and
// re-plan; Run()'s start-up steps and their teardown are one ordered list (StartUpSteps, run by
// app::RunSteps); it stops cleanly on SIGTERM/SIGINT or Stop(). Thread safety: Run() on one thread;
// Stop() and the read-only accessors from any thread; the HTTP handlers run on the metrics server's
// threads and only read.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "app/cdi_spec_writer.h"
#include "app/daemon_options.h"
#include "app/node_labels_updater.h"
#include "app/run_steps.h"
#include "common/event_loop.h"
#include "common/unique_fd.h"
#include "health/device_watcher.h"
#include "hw/cpuid_source.h"
#include "hw/host_root.h"
#include "hw/inventory.h"
#include "kubeapi/capacity_publisher.h"
#include "kubelet/plugin_endpoint.h"
#include "kubelet/snapshot_store.h"
#include "observe/metrics_server.h"
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
    std::string resource_name;
    std::unique_ptr<kubelet::SnapshotStore> store;
    std::unique_ptr<kubelet::PluginEndpoint> endpoint;
  };

  // Run()'s start-up steps, in order.
  std::vector<Step> StartUpSteps();

  absl::Status Plan();
  absl::Status StartCapacityPublisher(const hw::Inventory& inventory);
  absl::Status BindMetrics();
  // The HTTP handlers (metrics server threads).
  std::string RenderMetrics();
  observe::ProbeResult CheckLive() const;
  observe::ProbeResult CheckReady() const;
  absl::Status WatchDevices();
  absl::Status StartEndpoints();
  void StartMetrics();
  // Once, at the first registration: start-up is over, so the pages of code and read-only data
  // it mapped are let go (app/text_pages.h); what runs from then on maps its own again.
  void ReleaseStartUpCode();
  void Reprobe();
  bool ShutdownEndpoints();
  absl::Status WriteCdiSpec();
  static void LogPlan(const hw::Inventory& inventory, const resources::ResourcePlan& plan);

  DaemonOptions options_;
  hw::HostRoot root_;
  std::unique_ptr<hw::CpuidSource> cpuid_;
  std::unique_ptr<EventLoop> loop_;
  // What resources::PlanNode is asked on every re-probe: the options' configuration with the
  // guest interfaces pinned to those found at start.
  resources::NodeConfig node_config_;
  std::vector<Served> served_;  // fixed at start, in PlanNode order
  // --register-epc: keeps the EPC extended resource in the Node's capacity; null otherwise.
  std::unique_ptr<kubeapi::CapacityPublisher> capacity_publisher_;
  std::unique_ptr<health::DeviceWatcher> device_watcher_;
  NodeLabelsUpdater node_labels_;            // does nothing when --nfd-features-dir is ""
  std::unique_ptr<CdiSpecWriter> cdi_spec_;  // null without --cdi
  std::unique_ptr<observe::PodResourcesReader> pod_resources_;
  // Destroyed before the members above, which its handlers read (and stopped first in ~).
  std::unique_ptr<observe::MetricsServer> metrics_server_;
  UniqueFd signal_fd_;  // SIGTERM and SIGINT, when the daemon handles them
  bool clean_shutdown_ = true;
  bool start_up_code_released_ = false;  // loop thread
};

}  // namespace teedp::app
