// Provides HostRoot: every /dev, /sys and /proc read goes through it, so a test or a container
// that mounts the host elsewhere can point the plugin at another tree. Below a prefix other than
// "/", every path is resolved inside it, as the host itself would: a symlink (Debian's
// /var/run -> /run, udev's /dev/sgx/enclave -> ../sgx_enclave) can never lead out of it.
// Thread safety: immutable after construction; all methods are const and safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace teedp::hw {

class HostRoot {
 public:
  // How paths below a prefix are kept inside it.
  enum class Resolver {
    kKernel,  // openat2(2) with RESOLVE_IN_ROOT when the kernel has it (5.6+), else the walker
    kWalker,  // the user-space walker (root_walker.h) always: the fallback, forced by tests
  };

  // `prefix` is a directory ("/" for the real host). Trailing slashes are ignored.
  explicit HostRoot(std::string prefix = "/", Resolver resolver = Resolver::kKernel);

  // True when this kernel lets openat2(2) resolve in a root; probed once per process. False
  // when the system call is missing (ENOSYS) or refused by a seccomp filter.
  static bool KernelResolvesInRoot();

  // Opens `host_path` with open(2) `flags` (O_CLOEXEC is added; O_NOFOLLOW keeps a final
  // symlink), resolved inside the root and, through openat2, never through /proc's magic links.
  // The descriptor, or the ErrnoStatus (common/bounded_read.h) naming the host path: NotFound
  // when absent or a dangling link, PermissionDenied, FailedPrecondition for a symlink loop.
  absl::StatusOr<UniqueFd> Open(std::string_view host_path, int flags) const;

  // Maps an absolute host path ("/dev/sgx_enclave") to the path to use here, for interfaces that
  // take only a path (inotify). Computed by the walker: prefer Open, which the kernel confines.
  // FailedPrecondition for a symlink loop.
  absl::StatusOr<std::string> Resolve(std::string_view host_path) const;

  // Reads a whole file, refusing more than `max_bytes` (sysfs and procfs files are small; a huge
  // file means something is wrong). The errors of Open, and OutOfRange when larger than
  // max_bytes. Messages name the host path.
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
  // True when Open resolves through openat2; false for "/", which needs no confinement.
  bool uses_openat2() const { return use_openat2_; }

 private:
  std::string prefix_;  // without trailing slash; empty for "/"
  bool use_openat2_;
};

}  // namespace teedp::hw
