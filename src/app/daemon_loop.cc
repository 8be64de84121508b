#include "app/daemon_loop.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "common/mutex.h"

namespace teedp::app {
namespace {

// How long /healthz waits for the event loop to run a posted task.
constexpr absl::Duration kLoopProbeTimeout = absl::Seconds(1);

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// A posted task's completion, shared with the task so a late run touches nothing freed.
struct LoopProbe {
  Mutex mutex;
  bool ran ABSL_GUARDED_BY(mutex) = false;
};

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::StatusOr<UniqueFd> QuitOnTerminationSignal(EventLoop* loop) {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  UniqueFd fd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (fd.get() < 0) return absl::InternalError(absl::StrCat("signalfd: ", ErrnoText(errno)));
  const int raw = fd.get();
  absl::Status watched = loop->Watch(raw, [loop, raw] {
    signalfd_siginfo info{};
    if (read(raw, &info, sizeof(info)) == sizeof(info)) {
      spdlog::info("received {}", SignalText(static_cast<int>(info.ssi_signo)));
    }
    loop->Quit();
  });
  if (!watched.ok()) return watched;
  return fd;
}

observe::ProbeResult CheckLoopRuns(EventLoop* loop) {
  auto probe = std::make_shared<LoopProbe>();
  loop->Post([probe] {
    MutexLock lock(&probe->mutex);
    probe->ran = true;
  });
  auto ran = [&probe]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(probe->mutex) { return probe->ran; };
  MutexLock lock(&probe->mutex);
  if (probe->mutex.AwaitWithTimeout(ran, kLoopProbeTimeout)) return {true, ""};
  return {false, absl::StrCat("the event loop did not run a task within ",
                              absl::FormatDuration(kLoopProbeTimeout))};
}

}  // namespace teedp::app
