// Provides Mutex and MutexLock: absl::Mutex's shape (Lock/Unlock, Await and AwaitWithTimeout on a
// predicate, clang thread-safety annotations) over std::mutex. Debian's abseil is not built for
// ThreadSanitizer, so its mutex is invisible to TSan and every guarded access would look like a
// race; the standard mutex is intercepted, so TSan checks our locking for real.
// Thread safety: a Mutex is what makes other things thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace teedp {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mutex_.lock(); }
  // Wakes every Await so waiters re-check their predicates, as absl::Mutex does on release. The
  // wake comes first: once unlocked, a waiter may return and destroy this Mutex (a destructor
  // waiting for a count to reach zero), so Unlock must not touch it afterwards.
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    changed_.notify_all();
    mutex_.unlock();
  }

  // REQUIRES: held. Releases the lock while `ready()` is false; returns with it held and true.
  void Await(const std::function<bool()>& ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mutex_, std::adopt_lock);
    changed_.wait(lock, ready);
    lock.release();
  }
  // As Await, giving up after `timeout`; returns ready()'s last value.
  bool AwaitWithTimeout(const std::function<bool()>& ready, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mutex_, std::adopt_lock);
    bool result = changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), ready);
    lock.release();
    return result;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mutex) ABSL_EXCLUSIVE_LOCK_FUNCTION(mutex) : mutex_(mutex) {
    mutex_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mutex_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mutex_;
};

}  // namespace teedp
