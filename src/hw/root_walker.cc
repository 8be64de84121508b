#include "hw/root_walker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/bounded_read.h"

namespace teedp::hw {
namespace {

// The non-empty components of a path, in order, put in front of `out`.
void PrependComponents(std::string_view path, std::deque<std::string>* out) {
  std::deque<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  out->insert(out->begin(), parts.begin(), parts.end());
}

// The target of `host_path` below `root_fd` when it is a symlink.
std::optional<std::string> LinkTarget(int root_fd, const std::string& host_path) {
  const std::string relative = "." + host_path;
  struct stat info {};
  if (::fstatat(root_fd, relative.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISLNK(info.st_mode)) {
    return std::nullopt;
  }
  char target[4096];
  const ssize_t size = ::readlinkat(root_fd, relative.c_str(), target, sizeof(target));
  if (size <= 0 || static_cast<size_t>(size) >= sizeof(target)) return std::nullopt;
  return std::string(target, static_cast<size_t>(size));
}

}  // namespace

absl::StatusOr<std::string> WalkInRoot(int root_fd, std::string_view host_path, bool follow_last) {
  std::deque<std::string> pending;
  PrependComponents(host_path, &pending);
  std::string resolved;  // host path so far, free of symlinks; "" is the root
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {  // lexical is right: `resolved` holds no symlinks; the root is its own ..
      resolved.erase(std::min(resolved.size(), resolved.rfind('/')));
      continue;
    }
    std::string candidate = absl::StrCat(resolved, "/", part);
    const bool last = pending.empty();
    std::optional<std::string> target;
    if (!last || follow_last) target = LinkTarget(root_fd, candidate);
    if (!target.has_value()) {
      resolved = std::move(candidate);
      continue;
    }
    if (++links > kMaxSymlinks) return ErrnoStatus(ELOOP, host_path);
    if (target->front() == '/') resolved.clear();
    PrependComponents(*target, &pending);
  }
  return resolved.empty() ? "/" : resolved;
}

}  // namespace teedp::hw
