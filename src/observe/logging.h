// Provides the daemon's logging set-up on spdlog: one line per event, level from --log-level.
// Thread safety: call SetUpLogging once at start, before other threads log.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace tee::observe {

// Accepts trace, debug, info, warn, error, critical, off. InvalidArgument naming the value.
absl::Status SetUpLogging(std::string_view level);

}  // namespace tee::observe
