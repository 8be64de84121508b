// `kubelet-emulator serve`: the emulator as a long-running kubelet stand-in, one line per event.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <ostream>

#include "absl/strings/str_format.h"
#include "cli_commands.h"
#include "kubelet_emulator.h"

namespace teedp::emulator {
namespace {

using Clock = std::chrono::steady_clock;

// Event lines come from gRPC and stream threads; one mutex keeps them whole.
class EventPrinter {
 public:
  explicit EventPrinter(std::ostream& out) : out_(out), start_(Clock::now()) {}
  void Print(const std::string& line) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::lock_guard<std::mutex> lock(mu_);
    out_ << absl::StrFormat("[%8.3fs] ", seconds) << line << std::endl;
  }

 private:
  std::ostream& out_;
  const Clock::time_point start_;
  std::mutex mu_;
};

Clock::time_point After(double seconds) {
  if (seconds <= 0) return Clock::time_point::max();
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Waits for SIGINT/SIGTERM until `until`; returns the signal, or 0 when the time came.
int WaitForSignal(const sigset_t& signals, Clock::time_point until) {
  while (true) {
    if (until == Clock::time_point::max()) {
      int signal = sigwaitinfo(&signals, nullptr);
      if (signal > 0) return signal;
      continue;  // EINTR
    }
    auto left = std::max(until - Clock::now(), Clock::duration::zero());
    if (left == Clock::duration::zero()) return 0;
    auto whole = std::chrono::duration_cast<std::chrono::seconds>(left);
    timespec timeout{
        .tv_sec = whole.count(),
        .tv_nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(left - whole).count()};
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal > 0) return signal;
  }
}

}  // namespace

int RunServe(const ServeArgs& args, std::ostream& out, std::ostream& err) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any gRPC thread starts

  EventPrinter printer(out);
  auto kubelet = KubeletEmulator::Start(
      {.plugin_dir = args.dir,
       .on_event = [&printer](const std::string& line) { printer.Print(line); }});
  if (!kubelet.ok()) {
    err << "serve: " << kubelet.status() << "\n";
    return kExitFailure;
  }
  printer.Print("serving " + (*kubelet)->socket_path());
  const Clock::time_point end = After(args.duration_seconds);
  Clock::time_point next_restart = After(args.restart_every_seconds);
  while (true) {
    int signal = WaitForSignal(signals, std::min(end, next_restart));
    if (signal > 0) {
      printer.Print(absl::StrFormat("signal %d, stopping", signal));
      break;
    }
    if (Clock::now() >= end) {
      printer.Print("duration reached, stopping");
      break;
    }
    absl::Status restarted = (*kubelet)->Restart();
    printer.Print(restarted.ok() ? "kubelet restarted: directory wiped, fresh kubelet.sock"
                                 : "restart failed: " + restarted.ToString());
    if (!restarted.ok()) return kExitFailure;
    next_restart = After(args.restart_every_seconds);
  }
  return kExitOk;
}

}  // namespace teedp::emulator
