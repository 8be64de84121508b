#include "kubelet/plugin_dir_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "kubelet/registration_client.h"

namespace teedp::kubelet {

absl::StatusOr<std::unique_ptr<PluginDirWatcher>> PluginDirWatcher::Create(
    const std::string& directory, std::string own_socket_name) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("inotify_init1: ", ErrnoText(errno)));
  }
  constexpr uint32_t kMask = IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF |
                             IN_MOVE_SELF | IN_ONLYDIR;
  if (inotify_add_watch(fd, directory.c_str(), kMask) < 0) {
    int error = errno;
    close(fd);
    std::string message = absl::StrCat("cannot watch ", directory, ": ", ErrnoText(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::InternalError(message);
  }
  return std::unique_ptr<PluginDirWatcher>(new PluginDirWatcher(fd, std::move(own_socket_name)));
}

PluginDirWatcher::PluginDirWatcher(int fd, std::string own_socket_name)
    : fd_(fd), own_socket_name_(std::move(own_socket_name)) {}

PluginDirWatcher::~PluginDirWatcher() { close(fd_); }

PluginDirEvents PluginDirWatcher::ReadEvents() {
  PluginDirEvents events;
  alignas(inotify_event) char buffer[16 * 1024];
  while (true) {
    ssize_t length = read(fd_, buffer, sizeof(buffer));
    if (length <= 0) break;  // EAGAIN: drained
    for (ssize_t offset = 0; offset < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      std::string_view name = event->len > 0 ? std::string_view(event->name) : "";
      if (event->mask & IN_Q_OVERFLOW) events.overflowed = true;
      if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) events.directory_gone = true;
      if ((event->mask & (IN_CREATE | IN_MOVED_TO)) && name == kKubeletSocketName) {
        events.kubelet_socket_created = true;
      }
      if ((event->mask & (IN_DELETE | IN_MOVED_FROM)) && name == own_socket_name_) {
        events.own_socket_removed = true;
      }
    }
  }
  return events;
}

}  // namespace teedp::kubelet
