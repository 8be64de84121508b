// Provides DemoDraApi, the Kubernetes API as the DRA demo plays it, in memory: it keeps the
// ResourceSlices the driver publishes, and allocates EPC claims from them the way the scheduler
// does with consumable capacity (one device per request, the request rounded up to the device's
// step, the sum within its capacity), so the demo's kubelet has claims to prepare.
// Thread safety: every method may be called from any thread (the daemon publishes from its own).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "app/dra_daemon.h"
#include "common/mutex.h"
#include "dra/resource_claim.h"
#include "resources/dra_devices.h"

namespace teedp::app {

class DemoDraApi {
 public:
  explicit DemoDraApi(std::string node_name) : node_name_(std::move(node_name)) {}

  // What DraDaemon::CreateWith takes; the API must outlive the daemon.
  DraApi Api();

  // The devices the driver's slices hold now (empty when none are published).
  resources::DraDriverDevices Published(const std::string& driver) const;

  // Makes an allocated claim of `bytes` of EPC on the first device of sgx.tee.dev with that much
  // free, or nullopt when no single device has it (the scheduler then leaves the pod Pending).
  std::optional<dra::ResourceClaim> AllocateEpc(const std::string& name, uint64_t bytes);
  // Deletes the claim (its pod is gone), which frees what it held.
  void Delete(const std::string& name);

 private:
  const std::string node_name_;
  mutable Mutex mutex_;
  std::map<std::string, resources::DraDriverDevices> slices_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, dra::ResourceClaim> claims_ ABSL_GUARDED_BY(mutex_);  // by name
  int next_uid_ ABSL_GUARDED_BY(mutex_) = 1;
};

}  // namespace teedp::app
