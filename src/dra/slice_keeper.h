// Provides SliceKeeper: keeps this node's ResourceSlices of the served DRA drivers equal to their
// devices now, from its own thread (RetryWorker), so neither the daemon's loop nor the kubelet's
// gRPC calls wait on the API server. It publishes a driver's slices once the kubelet has
// registered that driver, again after every hardware change and every registration, and checks
// them every kSliceRecheck; retries failures with backoff, and deletes the slices on clean
// shutdown. Why it waits for the registration: the scheduler places pods on slices as soon as they
// exist, and the kubelet fails the prepare of a driver it has not registered yet, then retries only
// after its backoff (a minute and more). Slices of an earlier run are left alone until then. The
// kubelet (1.37) deletes the node's slices of every driver when it starts, and a driver's slices 30
// s after its last plugin left; it never does so on registration. A starting kubelet retries that
// deletion with backoff while the API server is away, so it can land after the publication that
// followed the driver's registration: only the recheck then brings them back. Thread safety:
// Request() and published() from any thread; Withdraw() once, from one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/log_on_change.h"
#include "common/retry_worker.h"
#include "dra/slice_publisher.h"
#include "resources/dra_devices.h"

namespace teedp::dra {

// Every driver's devices on this node now (a driver that has none is simply absent).
using DriversSource = std::function<std::vector<resources::DraDriverDevices>()>;

// Where the slices go: the API server (ApiSliceSink) in production, memory in the demo. Each call
// makes one driver's slices of this node equal to the devices given (none: deleted).
using SliceSink = std::function<absl::Status(const resources::DraDriverDevices&)>;

// Whether the kubelet has registered this driver now.
using RegisteredDriver = std::function<bool(const std::string& driver)>;

// How long the slices may stay deleted behind the keeper's back: a check lists them (one GET per
// driver, from the API server's cache) and writes only what differs.
inline constexpr absl::Duration kSliceRecheck = absl::Seconds(60);

// A SlicePublisher on `client` (which must outlive the sink) for node `node_name`.
SliceSink ApiSliceSink(const kubeapi::ApiServerClient* client, std::string node_name);

class SliceKeeper {
 public:
  // `drivers` are the drivers served: one that `devices` leaves out has its slices deleted.
  // Starts publishing the registered drivers at once, and publishes again `recheck` after the last
  // success; Request() once another driver is registered.
  SliceKeeper(SliceSink sink, std::vector<std::string> drivers, DriversSource devices,
              RegisteredDriver registered, absl::Duration recheck = kSliceRecheck);
  ~SliceKeeper();
  SliceKeeper(const SliceKeeper&) = delete;
  SliceKeeper& operator=(const SliceKeeper&) = delete;

  // Publishes again soon (the devices or the kubelet changed).
  void Request();
  // Publications that left every driver's slices right (none waiting for its registration).
  uint64_t published() const;
  // Stops publishing, then deletes every served driver's slices of this node. The first error,
  // naming the driver, after trying them all.
  absl::Status Withdraw();

 private:
  bool PublishOnce();

  const std::vector<std::string> drivers_;
  const DriversSource devices_;
  const SliceSink sink_;  // used by the worker, then by Withdraw once the worker is gone
  const RegisteredDriver registered_;
  LogOnChange failures_;  // only touched by the worker's thread
  LogOnChange waiting_;   // likewise
  std::atomic<uint64_t> published_{0};
  std::unique_ptr<RetryWorker> worker_;  // last: stopped first
};

}  // namespace teedp::dra
