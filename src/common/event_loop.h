// Provides EventLoop, the daemon's single-threaded reactor: it sleeps in epoll until a watched file
// descriptor (inotify, signalfd), a one-shot timer or a posted task wakes it. Nothing polls.
// Thread safety: Post() and Quit() may be called from any thread; everything else only from the
// thread that calls Run(), or before Run() starts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/mutex.h"

namespace teedp {

class EventLoop {
 public:
  using Callback = std::function<void()>;
  using TimerId = uint64_t;

  // Creates the epoll and wake-up descriptors. Internal when the kernel refuses them.
  static absl::StatusOr<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls `on_readable` on the loop thread whenever `fd` is readable. The caller keeps owning fd
  // and must Unwatch it before closing it. Internal when epoll refuses the descriptor.
  absl::Status Watch(int fd, Callback on_readable);
  void Unwatch(int fd);

  // Runs `fn` once on the loop thread after `delay`. Returns an id for CancelTimer.
  TimerId AddTimer(std::chrono::milliseconds delay, Callback fn);
  void CancelTimer(TimerId id);

  // Runs `fn` on the loop thread soon. Safe from any thread.
  void Post(Callback fn);

  // Dispatches events until Quit(). Returns at once if Quit() was already called.
  void Run();
  // Makes Run() return after the current callback. Safe from any thread, idempotent.
  void Quit();

  // Times Run() went to sleep in epoll, and times it woke with nothing to do. The loop waits
  // without a timeout, so the second stays 0: tests read both to prove a wake-up came from an
  // event, not from a poll. Safe from any thread.
  uint64_t sleeps() const { return sleeps_.load(); }
  uint64_t empty_wakeups() const { return empty_wakeups_.load(); }

 private:
  EventLoop(int epoll_fd, int wake_fd, int timer_fd);
  void DrainPosted();
  void FireDueTimers();
  void ArmTimerFd();

  int epoll_fd_;
  int wake_fd_;   // eventfd: Post() and Quit() write to it
  int timer_fd_;  // one timerfd armed for the earliest timer
  std::map<int, Callback> watched_;
  // Timers ordered by deadline, then id (so equal deadlines fire in creation order).
  std::map<std::pair<std::chrono::steady_clock::time_point, TimerId>, Callback> timers_;
  TimerId next_timer_id_ = 1;

  std::atomic<uint64_t> sleeps_{0};
  std::atomic<uint64_t> empty_wakeups_{0};

  teedp::Mutex mutex_;
  std::deque<Callback> posted_ ABSL_GUARDED_BY(mutex_);
  bool quit_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace teedp
