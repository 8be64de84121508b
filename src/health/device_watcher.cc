#include "health/device_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "hw/guest_devices.h"

namespace teedp::health {
namespace {

// Entries appearing, vanishing or being renamed. Not IN_CLOSE_WRITE or IN_ATTRIB on /dev: every
// process that writes to /dev/null would wake us.
constexpr uint32_t kDevMask = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF |
                              IN_MOVE_SELF | IN_ONLYDIR;
// sysfs folders: also rewritten values (seen on simulated hosts; real sysfs sends no events).
constexpr uint32_t kSysfsMask = kDevMask | IN_CLOSE_WRITE | IN_MODIFY;
constexpr const char* kNodeRoot = "/sys/devices/system/node";

// In /dev itself only SGX entries and the confidential VM guest nodes matter (the rest of /dev
// churns with ttys and the like).
bool RelevantInDev(std::string_view name) {
  if (name.empty() || name.starts_with("sgx") || name == "isgx") return true;
  for (hw::GuestTee tee : hw::kGuestTees) {
    for (std::string_view path : hw::GuestTeePaths(tee)) {
      if (path.starts_with("/dev/") && path.substr(5) == name) return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeviceWatcher>> DeviceWatcher::Create(const hw::HostRoot& root) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("inotify_init1: ", ErrnoText(errno)));
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
    uint32_t mask = absl::StartsWith(folder, "/dev") ? kDevMask : kSysfsMask;
    // A folder that does not exist (yet) just fails; a later IN_CREATE rescans.
    absl::StatusOr<std::string> path = root_.Resolve(folder);
    if (!path.ok()) continue;
    int wd = inotify_add_watch(fd_, path->c_str(), mask);
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
      std::string_view name = event->len > 0 ? std::string_view(event->name) : "";
      auto dev = watches_.find("/dev");
      if (dev != watches_.end() && event->wd == dev->second && !RelevantInDev(name)) continue;
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

}  // namespace teedp::health
