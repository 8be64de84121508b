// HostRoot: confined opens below a prefix, and small bounded reads through them.
#include "hw/host_root.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/bounded_read.h"
#include "common/status_macros.h"
#include "hw/root_walker.h"

namespace teedp::hw {
namespace {

int OpenAt2(int dir_fd, const char* path, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dir_fd, path, &how, sizeof(how)));
}

// The host path as a path relative to the root descriptor.
std::string Relative(std::string_view host_path) { return "./" + std::string(host_path); }

}  // namespace

HostRoot::HostRoot(std::string prefix, Resolver resolver) : prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  use_openat2_ = !prefix_.empty() && resolver == Resolver::kKernel && KernelResolvesInRoot();
}

bool HostRoot::KernelResolvesInRoot() {
  static const bool available = [] {
    UniqueFd probe(OpenAt2(AT_FDCWD, "/", O_PATH | O_CLOEXEC));
    return probe.valid();  // ENOSYS on old kernels, EPERM or ENOSYS from seccomp filters
  }();
  return available;
}

absl::StatusOr<UniqueFd> HostRoot::Open(std::string_view host_path, int flags) const {
  flags |= O_CLOEXEC;
  if (prefix_.empty()) {  // the real root: the kernel's own resolution is the host's
    UniqueFd fd(::open(std::string(host_path).c_str(), flags));
    if (!fd.valid()) return ErrnoStatus(errno, host_path);
    return fd;
  }
  UniqueFd root(::open(prefix_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return ErrnoStatus(errno, host_path);
  if (use_openat2_) {
    UniqueFd fd(OpenAt2(root.get(), Relative(host_path).c_str(), flags));
    if (!fd.valid()) return ErrnoStatus(errno, host_path);
    return fd;
  }
  const bool follow_last = (flags & O_NOFOLLOW) == 0;
  TEE_ASSIGN_OR_RETURN(std::string resolved, WalkInRoot(root.get(), host_path, follow_last));
  // The walk left no symlink to follow: one there now was put in since, and is not followed.
  UniqueFd fd(::openat(root.get(), Relative(resolved).c_str(), flags | O_NOFOLLOW));
  if (!fd.valid()) return ErrnoStatus(errno, host_path);
  return fd;
}

absl::StatusOr<std::string> HostRoot::Resolve(std::string_view host_path) const {
  if (prefix_.empty()) return std::string(host_path);
  UniqueFd root(::open(prefix_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return ErrnoStatus(errno, host_path);
  TEE_ASSIGN_OR_RETURN(std::string resolved, WalkInRoot(root.get(), host_path, true));
  return prefix_ + resolved;
}

absl::StatusOr<std::string> HostRoot::ReadFile(std::string_view host_path, size_t max_bytes) const {
  TEE_ASSIGN_OR_RETURN(UniqueFd fd, Open(host_path, O_RDONLY));
  return ReadAtMost(fd.get(), max_bytes, host_path);
}

bool HostRoot::Exists(std::string_view host_path) const { return Open(host_path, O_PATH).ok(); }

bool HostRoot::IsDirectory(std::string_view host_path) const {
  return Open(host_path, O_PATH | O_DIRECTORY).ok();
}

std::optional<std::string> HostRoot::ReadLink(std::string_view host_path) const {
  absl::StatusOr<UniqueFd> link = Open(host_path, O_PATH | O_NOFOLLOW);
  if (!link.ok()) return std::nullopt;
  char buffer[4096];
  // An empty path reads the link the descriptor stands for; EINVAL when it is no link.
  const ssize_t size = ::readlinkat(link->get(), "", buffer, sizeof(buffer));
  if (size < 0 || static_cast<size_t>(size) >= sizeof(buffer)) return std::nullopt;
  return std::string(buffer, static_cast<size_t>(size));
}

std::vector<std::string> HostRoot::ListDirectory(std::string_view host_path) const {
  std::vector<std::string> names;
  absl::StatusOr<UniqueFd> fd = Open(host_path, O_RDONLY | O_DIRECTORY);
  if (!fd.ok()) return names;
  DIR* dir = ::fdopendir(fd->get());
  if (dir == nullptr) return names;
  fd->Release();  // the DIR owns it now
  // NOLINTNEXTLINE(concurrency-mt-unsafe): this DIR stream is local to the call.
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace teedp::hw
