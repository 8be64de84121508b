// HostRoot: path mapping and small, bounded reads below a prefix.
#include "hw/host_root.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace tee::hw {
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

// Closes a FILE on every return path. (stdio rather than open(2): <fcntl.h> declares a
// function named tee, which clashes with our namespace.)
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Symlink chains longer than this are treated as broken, like the kernel's ELOOP.
constexpr int kMaxLinkDepth = 8;

}  // namespace

HostRoot::HostRoot(std::string prefix) : prefix_(std::move(prefix)) {
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

std::string HostRoot::Resolve(std::string_view host_path) const {
  std::string path = prefix_;
  if (host_path.empty() || host_path.front() != '/') path += '/';
  path.append(host_path);
  return path;
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
  // Symlinks are followed inside the root, so an absolute link target such as /dev/sgx_enclave
  // means <prefix>/dev/sgx_enclave rather than the machine's own /dev.
  std::string current(host_path);
  for (int depth = 0; depth <= kMaxLinkDepth; ++depth) {
    struct stat info {};
    if (::lstat(Resolve(current).c_str(), &info) != 0) return false;
    if (!S_ISLNK(info.st_mode)) return true;
    std::optional<std::string> target = ReadLink(current);
    if (!target) return false;
    if (target->empty() || target->front() != '/') {
      std::filesystem::path base = std::filesystem::path(current).parent_path();
      *target = (base / *target).lexically_normal().string();
    }
    current = *target;
  }
  return false;
}

bool HostRoot::IsDirectory(std::string_view host_path) const {
  struct stat info {};
  return ::stat(Resolve(host_path).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::optional<std::string> HostRoot::ReadLink(std::string_view host_path) const {
  char buffer[4096];
  const ssize_t size = ::readlink(Resolve(host_path).c_str(), buffer, sizeof(buffer));
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

}  // namespace tee::hw
