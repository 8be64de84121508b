// Provides DeviceWatcher: inotify on the host's /dev (and /dev/sgx, and the NUMA nodes' sysfs x86
// folders where the filesystem reports changes) so that device nodes appearing, disappearing or
// being swapped between driver flavours trigger a re-probe at once instead of on a timer.
// Thread safety: use from one thread (the daemon's event loop).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hw/host_root.h"

namespace teedp::health {

class DeviceWatcher {
 public:
  // Starts watching under `root` (which must outlive the watcher). Internal when inotify is
  // unavailable; folders that do not exist yet are picked up when they appear.
  static absl::StatusOr<std::unique_ptr<DeviceWatcher>> Create(const hw::HostRoot& root);
  ~DeviceWatcher();
  DeviceWatcher(const DeviceWatcher&) = delete;
  DeviceWatcher& operator=(const DeviceWatcher&) = delete;

  int fd() const { return fd_; }
  // Drains pending events without blocking; true when anything SGX-related may have changed.
  bool ReadEvents();

 private:
  DeviceWatcher(const hw::HostRoot& root, int fd);
  void WatchFolders();

  const hw::HostRoot& root_;
  int fd_;
  std::map<std::string, int> watches_;  // host path -> watch descriptor
};

}  // namespace teedp::health
