#include "e2e/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "e2e/latency.h"

namespace teedp::bench {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Runs in the forked child of a multi-threaded parent: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(int log_fd, char* const* argv) {
  if (dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0) _exit(126);
  // Signals blocked in the parent stay blocked across exec; the plugin must see SIGTERM.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return absl::InvalidArgumentError("no program to start");
  // Everything the child needs is prepared before fork: it must not allocate.
  std::vector<std::string> copies = argv;
  std::vector<char*> pointers;
  for (std::string& arg : copies) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  // "e" (O_CLOEXEC) so only the dup2'd descriptors survive into the plugin.
  std::FILE* log = std::fopen(log_path.c_str(), "we");
  if (log == nullptr) {
    return absl::InternalError(absl::StrCat("cannot open ", log_path, ": ", std::strerror(errno)));
  }
  const int log_fd = fileno(log);
  const pid_t pid = fork();
  if (pid == 0) ExecChild(log_fd, pointers.data());
  const int fork_errno = errno;
  std::fclose(log);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork failed: ", std::strerror(fork_errno)));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::Reap(int flags) {
  if (exit_code_) return true;
  int status = 0;
  if (waitpid(pid_, &status, flags) != pid_) return false;
  exit_code_ = DecodeWaitStatus(status);
  return true;
}

bool ChildProcess::Running() { return !Reap(WNOHANG); }

StopOutcome ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (stopped_) return *stopped_;
  StopOutcome outcome;
  outcome.already_exited = !Running();
  const Clock::time_point start = Clock::now();
  if (!outcome.already_exited) {
    kill(pid_, SIGTERM);
    // waitpid has no timeout; a 1 ms poll only while a stop is pending is cheap and precise.
    while (Running() && Clock::now() - start < grace) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (Running()) {
      kill(pid_, SIGKILL);
      outcome.killed = true;
      Reap(0);
    }
  }
  outcome.stop_millis = outcome.already_exited ? 0 : ToMillis(Clock::now() - start);
  outcome.exit_code = exit_code_.value_or(-1);
  stopped_ = outcome;
  return outcome;
}

}  // namespace teedp::bench
