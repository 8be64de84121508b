// Provides RetryWorker: runs an attempt on its own thread whenever asked, and again after a
// backoff (doubling up to a ceiling) for as long as it fails, so a caller on an event loop or a
// gRPC thread never waits on a slow API server. Requests that arrive during an attempt fold into
// one more attempt after it. Optionally it also attempts again a while after a success when
// nobody asked, for state that others may change behind the caller's back.
// Thread safety: Request(), successes() and the destructor from any thread; the attempt runs only
// on the worker's thread, one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/mutex.h"

namespace teedp {

// The wait after a first failure, doubled after each further one up to `max`.
struct RetryBackoff {
  absl::Duration first = absl::Seconds(1);
  absl::Duration max = absl::Seconds(60);
};

class RetryWorker {
 public:
  using Backoff = RetryBackoff;
  // Starts the thread, which makes a first attempt at once. `attempt` returns true on success.
  // After a success, another attempt follows `recheck` later when no request came first (never,
  // by default).
  explicit RetryWorker(std::function<bool()> attempt, Backoff backoff = {},
                       absl::Duration recheck = absl::InfiniteDuration());
  // Waits for an attempt in progress to end, then stops; no attempt starts after.
  ~RetryWorker();
  RetryWorker(const RetryWorker&) = delete;
  RetryWorker& operator=(const RetryWorker&) = delete;

  // Asks for another attempt soon (at once when idle; a pending retry is made now).
  void Request();
  // Attempts that succeeded.
  uint64_t successes() const;

 private:
  void Work();

  const std::function<bool()> attempt_;
  const Backoff backoff_;
  const absl::Duration recheck_;
  mutable Mutex mutex_;
  bool requested_ ABSL_GUARDED_BY(mutex_) = true;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  uint64_t successes_ ABSL_GUARDED_BY(mutex_) = 0;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace teedp
