// Provides Eventually, the one way tests wait: re-check a condition on an event or counter until
// it holds. The timeout only turns a hang into a failure; no test passes or fails on how fast
// something happened.
// Thread safety: reentrant; `pred` runs on the calling thread.
#pragma once

#include <chrono>
#include <functional>

namespace teedp::testing {

// How long a test waits for something that should happen before it calls it a failure. Generous:
// sanitizer builds on a busy two-core machine are slow, and a passing test never waits it out.
inline constexpr std::chrono::milliseconds kWait{10000};

// Checks `pred` every 2 ms until it holds (true) or `timeout` passed (false).
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = kWait);

}  // namespace teedp::testing
