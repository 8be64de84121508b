// Provides WalkInRoot: HostRoot's user-space path resolution, for kernels without openat2(2)
// (before Linux 5.6, or a seccomp profile that refuses it). It resolves symlinks the way
// RESOLVE_IN_ROOT does: absolute targets and ".." stop at the root instead of leaving it.
// Thread safety: no state; safe from any thread. A link changed between the walk and the open
// is not confined: that race is why the kernel's resolution comes first.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace teedp::hw {

// Up to this many symlinks are followed on one path, as the kernel does (MAXSYMLINKS).
inline constexpr int kMaxSymlinks = 40;

// The host path (from "/") that `host_path` leads to inside the directory `root_fd`, with every
// symlink on the way resolved inside the root (the last component only when `follow_last`).
// Components that do not exist are kept as written, so opening the result fails as it should.
// FailedPrecondition "<host_path>: Too many levels of symbolic links" past kMaxSymlinks links.
absl::StatusOr<std::string> WalkInRoot(int root_fd, std::string_view host_path, bool follow_last);

}  // namespace teedp::hw
