// Provides PluginDirWatcher: inotify on the kubelet's plugin directory, turning file events into
// what the daemon cares about: the kubelet (re)started, our socket vanished, the directory itself
// was removed or replaced.
// Thread safety: use from one thread (the daemon's event loop).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace teedp::kubelet {

struct PluginDirEvents {
  bool kubelet_socket_created = false;  // kubelet.sock created or moved in: a kubelet (re)started
  bool own_socket_removed = false;      // our socket deleted or moved away
  bool directory_gone = false;          // the directory was deleted or moved: watch is dead
  bool overflowed = false;              // events were lost: re-check everything
  bool Any() const {
    return kubelet_socket_created || own_socket_removed || directory_gone || overflowed;
  }
};

class PluginDirWatcher {
 public:
  // Watches `directory` for `kubelet.sock` and `own_socket_name`. NotFound when the directory does
  // not exist, Internal when inotify is unavailable (both name the directory).
  static absl::StatusOr<std::unique_ptr<PluginDirWatcher>> Create(const std::string& directory,
                                                                  std::string own_socket_name);
  ~PluginDirWatcher();
  PluginDirWatcher(const PluginDirWatcher&) = delete;
  PluginDirWatcher& operator=(const PluginDirWatcher&) = delete;

  // The inotify descriptor: readable when events are waiting.
  int fd() const { return fd_; }
  // Reads every pending event without blocking and summarises them.
  PluginDirEvents ReadEvents();

 private:
  PluginDirWatcher(int fd, std::string own_socket_name);

  int fd_;
  std::string own_socket_name_;
};

}  // namespace teedp::kubelet
