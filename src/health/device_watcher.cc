#include "health/device_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tee::health {
namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB |
                           IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr const char* kNodeRoot = "/sys/devices/system/node";

}  // namespace

absl::StatusOr<std::unique_ptr<DeviceWatcher>> DeviceWatcher::Create(const hw::HostRoot& root) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("inotify_init1: ", std::strerror(errno)));
  std::unique_ptr<DeviceWatcher> watcher(new DeviceWatcher(root, fd));
  watcher->WatchFolders();
  return watcher;
}

DeviceWatcher::DeviceWatcher(const hw::HostRoot& root, int fd) : root_(root), fd_(fd) {}

DeviceWatcher::~DeviceWatcher() { close(fd_); }

void DeviceWatcher::WatchFolders() {
  std::vector<std::string> folders = {"/dev", "/dev/sgx", kNodeRoot};
  for (const std::string& entry : root_.ListDirectory(kNodeRoot)) {
    if (absl::StartsWith(entry, "node")) {
      folders.push_back(absl::StrCat(kNodeRoot, "/", entry));
      folders.push_back(absl::StrCat(kNodeRoot, "/", entry, "/x86"));
    }
  }
  for (const std::string& folder : folders) {
    if (watches_.count(folder) > 0) continue;
    // Adding a watch that exists returns the same descriptor; a missing folder just fails.
    int wd = inotify_add_watch(fd_, root_.Resolve(folder).c_str(), kMask);
    if (wd >= 0) watches_[folder] = wd;
  }
}

bool DeviceWatcher::ReadEvents() {
  bool changed = false;
  bool rescan = false;
  alignas(inotify_event) char buffer[16 * 1024];
  while (true) {
    ssize_t length = read(fd_, buffer, sizeof(buffer));
    if (length <= 0) break;
    for (ssize_t offset = 0; offset < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      changed = true;
      if (event->mask & (IN_CREATE | IN_MOVED_TO | IN_Q_OVERFLOW)) rescan = true;
      if (event->mask & IN_IGNORED) {
        for (auto it = watches_.begin(); it != watches_.end(); ++it) {
          if (it->second == event->wd) {
            watches_.erase(it);
            break;
          }
        }
        rescan = true;
      }
    }
  }
  if (rescan) WatchFolders();  // a folder such as /dev/sgx may have appeared
  return changed;
}

}  // namespace tee::health
