// Provides ReadAtMost and ReadFileAtMost, the one bounded whole-file read: for files that are
// small by nature (sysfs values, /proc/cpuinfo, a service-account token, a config file), where a
// huge one means a wrong path and must not be read into memory. Also ErrnoStatus, the one mapping
// of a failed file system call to a status.
// Thread safety: no shared state; safe from any thread (one descriptor read by one at a time).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace teedp {

// The status of a system call on `what` (a path, or words that name the file) that failed with
// `error`: NotFound for ENOENT and ENOTDIR, PermissionDenied for EACCES and EPERM,
// FailedPrecondition for anything else (EISDIR, ELOOP, EIO, ...). Message "<what>: <ErrnoText>".
absl::Status ErrnoStatus(int error, std::string_view what);

// Reads `fd` from its offset to end of file and returns the bytes. OutOfRange "<what>: larger
// than the <limit>-byte limit" when there are more than `limit` (at most limit + 1 bytes are read,
// so a huge or endless file costs no more); the ErrnoStatus of a failed read. The caller keeps
// owning `fd`.
absl::StatusOr<std::string> ReadAtMost(int fd, size_t limit, std::string_view what);

// Opens `path` read-only (following symlinks, as open(2) does) and reads it as ReadAtMost does;
// `what` names the file in every error. The ErrnoStatus of a failed open.
absl::StatusOr<std::string> ReadFileAtMost(const std::string& path, size_t limit,
                                           std::string_view what);

}  // namespace teedp
