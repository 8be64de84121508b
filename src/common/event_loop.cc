#include "common/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errno_text.h"

namespace teedp {
namespace {

absl::Status ErrnoStatus(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", ErrnoText(errno)));
}

void DrainCounter(int fd) {
  uint64_t value = 0;
  // Both eventfd and timerfd hand out an 8-byte counter; the value itself is not needed.
  while (read(fd, &value, sizeof(value)) < 0 && errno == EINTR) {
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLoop>> EventLoop::Create() {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return ErrnoStatus("epoll_create1");
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  int timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (wake_fd < 0 || timer_fd < 0) {
    absl::Status status = ErrnoStatus("eventfd/timerfd_create");
    close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
    if (timer_fd >= 0) close(timer_fd);
    return status;
  }
  for (int fd : {wake_fd, timer_fd}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
  }
  return std::unique_ptr<EventLoop>(new EventLoop(epoll_fd, wake_fd, timer_fd));
}

EventLoop::EventLoop(int epoll_fd, int wake_fd, int timer_fd)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd), timer_fd_(timer_fd) {}

EventLoop::~EventLoop() {
  close(timer_fd_);
  close(wake_fd_);
  close(epoll_fd_);
}

absl::Status EventLoop::Watch(int fd, Callback on_readable) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return ErrnoStatus("epoll_ctl(ADD)");
  watched_[fd] = std::move(on_readable);
  return absl::OkStatus();
}

void EventLoop::Unwatch(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watched_.erase(fd);
}

EventLoop::TimerId EventLoop::AddTimer(std::chrono::milliseconds delay, Callback fn) {
  TimerId id = next_timer_id_++;
  timers_.emplace(std::make_pair(std::chrono::steady_clock::now() + delay, id), std::move(fn));
  ArmTimerFd();
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      break;
    }
  }
  ArmTimerFd();
}

void EventLoop::ArmTimerFd() {
  itimerspec spec{};  // all zero disarms
  if (!timers_.empty()) {
    auto wait = timers_.begin()->first.first - std::chrono::steady_clock::now();
    auto ns =
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count());
    spec.it_value.tv_sec = ns / 1000000000;
    spec.it_value.tv_nsec = ns % 1000000000;
  }
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void EventLoop::Post(Callback fn) {
  {
    teedp::MutexLock lock(&mutex_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void EventLoop::Quit() {
  {
    teedp::MutexLock lock(&mutex_);
    quit_ = true;
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void EventLoop::DrainPosted() {
  std::deque<Callback> batch;
  {
    teedp::MutexLock lock(&mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void EventLoop::FireDueTimers() {
  auto now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    Callback fn = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    fn();  // may add or cancel timers
  }
  ArmTimerFd();
}

void EventLoop::Run() {
  constexpr int kMaxEvents = 16;
  epoll_event events[kMaxEvents];
  while (true) {
    {
      teedp::MutexLock lock(&mutex_);
      if (quit_) return;
    }
    sleeps_.fetch_add(1);
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, -1);
    if (n < 0 && errno != EINTR) return;  // cannot happen with valid descriptors
    if (n == 0) empty_wakeups_.fetch_add(1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        DrainCounter(wake_fd_);
        DrainPosted();
      } else if (fd == timer_fd_) {
        DrainCounter(timer_fd_);
        FireDueTimers();
      } else if (auto it = watched_.find(fd); it != watched_.end()) {
        Callback fn = it->second;  // a copy: the callback may Unwatch itself
        fn();
      }
    }
  }
}

}  // namespace teedp
