// Provides DraDaemon, the composition behind `serve --kubelet-api dra`. It only wires and
// sequences: the devices come from resources::PlanDraDevices, each driver with devices at start is
// served by a dra::DraServer over a dra::ClaimPreparer (claims read through the API server, CDI
// specs in --cdi-dir, a checkpoint in <dra-plugins-dir>/<driver>/), and a dra::SliceKeeper keeps
// the ResourceSlices current: from each driver's kubelet registration on, after each further one
// and each hardware change, and deleted on clean shutdown. /metrics, /healthz and /readyz as for
// device plugins. Thread safety: Run() on one thread; Stop() from any thread. The claim and
// registration handlers run on gRPC's threads and read the devices under a lock; the metrics
// handlers only read.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "app/daemon_options.h"
#include "app/run_steps.h"
#include "common/event_loop.h"
#include "common/mutex.h"
#include "common/unique_fd.h"
#include "dra/claim_preparer.h"
#include "dra/dra_server.h"
#include "dra/slice_keeper.h"
#include "health/device_watcher.h"
#include "hw/cpuid_source.h"
#include "hw/host_root.h"
#include "observe/metrics_server.h"
#include "observe/pod_resources.h"
#include "resources/dra_devices.h"

namespace teedp::app {

// What the drivers need of the Kubernetes API: the claims the kubelet names, and where the
// ResourceSlices of this node go.
struct DraApi {
  std::string node_name;
  dra::ClaimReader read_claim;
  dra::SliceSink slices;
  std::shared_ptr<const void> owner;  // what the two functions use, kept alive with them
};

class DraDaemon {
 public:
  // Validates options, reads the in-cluster config (token, CA, NODE_NAME), probes, and opens each
  // driver's checkpoint. InvalidArgument for bad options, FailedPrecondition when not in a cluster,
  // other codes for what the node or the files refused.
  static absl::StatusOr<std::unique_ptr<DraDaemon>> Create(DaemonOptions options);
  // The same with another API (the demo's in-memory one).
  static absl::StatusOr<std::unique_ptr<DraDaemon>> CreateWith(DaemonOptions options, DraApi api);
  ~DraDaemon();
  DraDaemon(const DraDaemon&) = delete;
  DraDaemon& operator=(const DraDaemon&) = delete;

  // Serves until Stop() or a termination signal. Returns an error when serving cannot start.
  absl::Status Run();
  void Stop();

 private:
  // One DRA driver served to the kubelet.
  struct Driver {
    std::string name;
    std::unique_ptr<dra::ClaimPreparer> preparer;
    std::unique_ptr<dra::DraServer> server;
    std::atomic<bool> registered{false};
  };

  DraDaemon(DaemonOptions options, std::unique_ptr<hw::CpuidSource> cpuid,
            std::unique_ptr<EventLoop> loop, DraApi api);
  std::vector<Step> StartUpSteps();
  absl::Status OpenDrivers();
  absl::Status StartServers();
  void StopServers();
  void Withdraw();
  void OnRegistration(Driver* driver, bool registered, const std::string& error);
  bool IsRegistered(const std::string& name) const;
  void Reprobe();
  std::vector<resources::DraDriverDevices> Devices() const;
  resources::DraDriverDevices DevicesOf(const std::string& driver) const;
  absl::Status BindMetrics();
  std::string RenderMetrics() const;
  observe::ProbeResult CheckReady() const;

  DaemonOptions options_;
  hw::HostRoot root_;
  std::unique_ptr<hw::CpuidSource> cpuid_;
  std::unique_ptr<EventLoop> loop_;
  const DraApi api_;
  std::unique_ptr<health::DeviceWatcher> device_watcher_;
  mutable Mutex devices_mutex_;
  std::vector<resources::DraDriverDevices> devices_ ABSL_GUARDED_BY(devices_mutex_);
  std::vector<std::unique_ptr<Driver>> drivers_;  // fixed at start
  std::unique_ptr<dra::SliceKeeper> slices_;
  std::unique_ptr<observe::PodResourcesReader> pod_resources_;  // null without the socket
  // Destroyed before the members above, which its handlers read (and stopped first in ~).
  std::unique_ptr<observe::MetricsServer> metrics_server_;
  UniqueFd signal_fd_;
};

}  // namespace teedp::app
