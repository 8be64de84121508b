// Provides WriteFileAtomically: readers of the file (container runtimes reading CDI specs, NFD
// reading feature files) see either the old content or the new, never half of it.
// Thread safety: safe from any thread; concurrent writers of one path leave one of their contents.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace teedp {

// Writes `content` to a temporary file next to `path`, flushes it and renames it onto `path`.
// The directory must exist. Unavailable naming the path and the system error on failure; the
// temporary file is removed then.
absl::Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace teedp
