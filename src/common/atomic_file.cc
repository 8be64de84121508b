#include "common/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/errno_text.h"

namespace teedp {
namespace {

absl::Status Failed(const std::string& what, const std::string& path, int error) {
  return absl::UnavailableError(absl::StrCat("cannot ", what, " ", path, ": ", ErrnoText(error)));
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, std::string_view content) {
  static std::atomic<uint64_t> counter{0};
  const std::string temporary =
      absl::StrCat(path, ".tmp.", getpid(), ".", counter.fetch_add(1, std::memory_order_relaxed));
  std::FILE* file = std::fopen(temporary.c_str(), "wbe");  // "e": close on exec
  if (file == nullptr) return Failed("write", temporary, errno);
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size() &&
                       std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  const int write_error = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temporary.c_str());
    return Failed("write", temporary, written ? errno : write_error);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return Failed("rename onto", path, error);
  }
  return absl::OkStatus();
}

}  // namespace teedp
