// Provides HostRoot: every /dev, /sys and /proc read goes through it, so a test or a container
// that mounts the host elsewhere can point the plugin at another tree.
// Thread safety: immutable after construction; all methods are const and safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace teedp::hw {

class HostRoot {
 public:
  // `prefix` is a directory ("/" for the real host). Trailing slashes are ignored.
  explicit HostRoot(std::string prefix = "/");

  // Maps an absolute host path ("/dev/sgx_enclave") to the path to open here, following every
  // symlink on the way inside the root (an absolute link target means <prefix>/target).
  std::string Resolve(std::string_view host_path) const;

  // Reads a whole file, refusing more than `max_bytes` (sysfs and procfs files are small; a huge
  // file means something is wrong). NotFound when absent, PermissionDenied when unreadable,
  // OutOfRange when larger than max_bytes. Messages name the host path.
  absl::StatusOr<std::string> ReadFile(std::string_view host_path,
                                       size_t max_bytes = 1 << 20) const;

  // True when the path exists (device node, file, directory or symlink whose target exists).
  bool Exists(std::string_view host_path) const;
  bool IsDirectory(std::string_view host_path) const;
  // The symlink target as written, when host_path is a symlink.
  std::optional<std::string> ReadLink(std::string_view host_path) const;
  // Entry names (not paths) of a directory, sorted; empty when it cannot be read.
  std::vector<std::string> ListDirectory(std::string_view host_path) const;

  const std::string& prefix() const { return prefix_; }

 private:
  // The host path `host_path` leads to, symlinks resolved within the root (the last component
  // only when `follow_last`).
  std::string ResolveInRoot(std::string_view host_path, bool follow_last) const;

  std::string prefix_;  // without trailing slash; empty for "/"
};

}  // namespace teedp::hw
