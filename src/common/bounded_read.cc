#include "common/bounded_read.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "common/unique_fd.h"

namespace teedp {

absl::Status ErrnoStatus(int error, std::string_view what) {
  std::string message = absl::StrCat(std::string(what), ": ", ErrnoText(error));
  switch (error) {
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

absl::StatusOr<std::string> ReadAtMost(int fd, size_t limit, std::string_view what) {
  // One byte past the limit tells "exactly at the limit" from "larger".
  const size_t wanted = limit == static_cast<size_t>(-1) ? limit : limit + 1;
  std::string data;
  char buffer[16 * 1024];
  while (data.size() < wanted) {
    const size_t ask = std::min(sizeof(buffer), wanted - data.size());
    const ssize_t got = ::read(fd, buffer, ask);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoStatus(errno, what);
    if (got == 0) return data;
    data.append(buffer, static_cast<size_t>(got));
  }
  if (data.size() > limit) {
    return absl::OutOfRangeError(
        absl::StrCat(std::string(what), ": larger than the ", limit, "-byte limit"));
  }
  return data;
}

absl::StatusOr<std::string> ReadFileAtMost(const std::string& path, size_t limit,
                                           std::string_view what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, what);
  return ReadAtMost(fd.get(), limit, what);
}

}  // namespace teedp
