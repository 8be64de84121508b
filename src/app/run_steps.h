// Provides RunSteps, how the daemons sequence start-up and teardown: each step starts in order,
// the loop serves once all have started, and on the way out every step that started is torn down
// in reverse order (also when a later one failed to start).
// Thread safety: runs on the caller's thread.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/status.h"

namespace teedp::app {

// One start-up step and its teardown; either part may be null (nothing to do).
struct Step {
  const char* name;
  std::function<absl::Status()> start;
  std::function<void()> stop;
};

// Starts `steps`, runs `serve` when all started, then tears down. The first start error, prefixed
// with its step's name.
absl::Status RunSteps(const std::vector<Step>& steps, const std::function<void()>& serve);

}  // namespace teedp::app
