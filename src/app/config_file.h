// Provides ApplyConfigFile: settings for a CLI11 command from a YAML file whose keys are the
// command's long flag names without dashes ("epc-unit: 2MiB"). Values only fill flags that neither
// the command line nor their environment variable set, which gives the precedence
// flag > environment > file > default.
// Thread safety: runs during start-up on one thread; mutates the app's bound variables.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>

#include "absl/status/status.h"

namespace teedp::app {

// A config file larger than this is refused (a real one is a few hundred bytes).
inline constexpr size_t kMaxConfigFileBytes = 1 << 20;

// Reads `path` (a YAML mapping of scalars; an empty file is an empty mapping) and applies each
// key to the option `--<key>` of `app`, after app.parse(). Keys in `refused` (such as "config"
// itself) and keys that name no option are InvalidArgument naming the key, its line and the file;
// so are non-scalar values, duplicate keys and values the option rejects. When the file cannot
// be read, the errors of ReadFileAtMost (common/bounded_read.h) naming it: NotFound,
// PermissionDenied, FailedPrecondition, or OutOfRange above kMaxConfigFileBytes.
absl::Status ApplyConfigFile(CLI::App& app, const std::string& path,
                             const std::set<std::string>& refused);

// The same for text already read; `path` only names the file in messages.
absl::Status ApplyConfigText(CLI::App& app, const std::string& text, const std::string& path,
                             const std::set<std::string>& refused);

}  // namespace teedp::app
