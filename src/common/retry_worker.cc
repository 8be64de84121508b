#include "common/retry_worker.h"

#include <algorithm>
#include <utility>

namespace teedp {

RetryWorker::RetryWorker(std::function<bool()> attempt, Backoff backoff, absl::Duration recheck)
    : attempt_(std::move(attempt)),
      backoff_(backoff),
      recheck_(recheck),
      thread_([this] { Work(); }) {}

RetryWorker::~RetryWorker() {
  {
    MutexLock lock(&mutex_);
    stopping_ = true;
  }
  thread_.join();
}

void RetryWorker::Request() {
  MutexLock lock(&mutex_);
  requested_ = true;
}

uint64_t RetryWorker::successes() const {
  MutexLock lock(&mutex_);
  return successes_;
}

void RetryWorker::Work() {
  absl::Duration backoff = backoff_.first;
  MutexLock lock(&mutex_);
  while (true) {
    // Sleeps until asked, or until the recheck is due; a failed attempt awaits its retry below.
    const auto asked = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return requested_ || stopping_; };
    if (recheck_ == absl::InfiniteDuration()) {
      mutex_.Await(asked);  // a wait_for of "infinite" nanoseconds would overflow
    } else if (!mutex_.AwaitWithTimeout(asked, recheck_)) {
      requested_ = true;
    }
    if (stopping_) return;
    requested_ = false;
    mutex_.Unlock();
    const bool ok = attempt_();
    mutex_.Lock();
    if (ok) {
      ++successes_;
      backoff = backoff_.first;
      continue;
    }
    // A new request cuts the wait short: what changed may be what the attempt lacked.
    if (mutex_.AwaitWithTimeout(
            [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return stopping_ || requested_; }, backoff) &&
        stopping_) {
      return;
    }
    backoff = std::min(backoff * 2, backoff_.max);
    requested_ = true;
  }
}

}  // namespace teedp
