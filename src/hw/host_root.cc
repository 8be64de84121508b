// HostRoot: path mapping and small, bounded reads below a prefix.
#include "hw/host_root.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace teedp::hw {
namespace {

absl::Status ErrnoStatus(int err, std::string_view host_path) {
  std::string message = absl::StrCat(std::string(host_path), ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

// Closes a FILE on every return path.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The non-empty components of a path, in order.
void AppendComponents(std::string_view path, std::deque<std::string>* out) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    if (slash > start) out->emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

// More symlinks than this on one path are treated as a loop, like the kernel's ELOOP.
constexpr int kMaxLinks = 40;

}  // namespace

HostRoot::HostRoot(std::string prefix) : prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

std::string HostRoot::Resolve(std::string_view host_path) const {
  return prefix_ + ResolveInRoot(host_path, /*follow_last=*/true);
}

std::string HostRoot::ResolveInRoot(std::string_view host_path, bool follow_last) const {
  if (prefix_.empty()) return std::string(host_path);  // the real root: the kernel resolves
  // Walk component by component so that a symlink anywhere on the way (Debian's /var/run ->
  // /run, a udev /dev/sgx/enclave -> ../sgx_enclave) resolves inside the root, as it would on
  // the host, instead of against this machine's own /.
  std::deque<std::string> pending;
  AppendComponents(host_path, &pending);
  std::string resolved;  // host path so far; "" is the root
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      resolved.erase(std::min(resolved.size(), resolved.rfind('/')));
      continue;
    }
    std::string candidate = resolved + "/" + part;
    struct stat info {};
    bool last = pending.empty();
    if ((!last || follow_last) && links < kMaxLinks &&
        ::lstat((prefix_ + candidate).c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
      char target[4096];
      ssize_t size = ::readlink((prefix_ + candidate).c_str(), target, sizeof(target) - 1);
      if (size > 0) {
        ++links;
        std::string_view link(target, static_cast<size_t>(size));
        if (link.front() == '/') resolved.clear();
        std::deque<std::string> parts;
        AppendComponents(link, &parts);
        pending.insert(pending.begin(), parts.begin(), parts.end());
        continue;
      }
    }
    resolved = std::move(candidate);
  }
  return resolved.empty() ? "/" : resolved;
}

absl::StatusOr<std::string> HostRoot::ReadFile(std::string_view host_path, size_t max_bytes) const {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(Resolve(host_path).c_str(), "rbe"));
  if (!file) return ErrnoStatus(errno, host_path);
  std::string data;
  char buffer[8192];
  while (true) {
    const size_t got = std::fread(buffer, 1, sizeof(buffer), file.get());
    if (got == 0) {
      if (std::ferror(file.get())) return ErrnoStatus(errno, host_path);
      return data;
    }
    if (data.size() + got > max_bytes) {
      return absl::OutOfRangeError(
          absl::StrCat(std::string(host_path), ": larger than the ", max_bytes, "-byte limit"));
    }
    data.append(buffer, got);
  }
}

bool HostRoot::Exists(std::string_view host_path) const {
  struct stat info {};
  return ::stat(Resolve(host_path).c_str(), &info) == 0;
}

bool HostRoot::IsDirectory(std::string_view host_path) const {
  struct stat info {};
  return ::stat(Resolve(host_path).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::optional<std::string> HostRoot::ReadLink(std::string_view host_path) const {
  char buffer[4096];
  const std::string path = prefix_ + ResolveInRoot(host_path, /*follow_last=*/false);
  const ssize_t size = ::readlink(path.c_str(), buffer, sizeof(buffer));
  if (size < 0 || static_cast<size_t>(size) >= sizeof(buffer)) return std::nullopt;
  return std::string(buffer, static_cast<size_t>(size));
}

std::vector<std::string> HostRoot::ListDirectory(std::string_view host_path) const {
  std::vector<std::string> names;
  DIR* dir = ::opendir(Resolve(host_path).c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace teedp::hw
