#include "e2e/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "e2e/latency.h"

// The environment the plugin inherits: <unistd.h> declares it only under _GNU_SOURCE, and POSIX
// leaves declaring it to the program.
extern "C" char** environ;

namespace teedp::bench {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

absl::Status CannotStart(const std::string& program, int error) {
  return absl::InternalError(absl::StrCat("cannot start ", program, ": ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return absl::InvalidArgumentError("no program to start");
  std::vector<std::string> copies = argv;
  std::vector<char*> pointers;
  for (std::string& arg : copies) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  // Opened here, close-on-exec, so a log that cannot be written is named as such; the child gets
  // it as its stdout and stderr only.
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", log_path, ": ", std::strerror(errno)));
  }
  absl::Cleanup close_log = [log_fd] { close(log_fd); };
  // posix_spawn, not fork: glibc's shares the parent's memory until the exec (CLONE_VM |
  // CLONE_VFORK), as Go's os/exec in the kubelet and containerd does, so a start does not pay
  // for copying this bench's page tables, which grow with the device lists it has read.
  posix_spawn_file_actions_t files;
  if (const int error = posix_spawn_file_actions_init(&files); error != 0) {
    return CannotStart(argv[0], error);
  }
  absl::Cleanup destroy_files = [&files] { posix_spawn_file_actions_destroy(&files); };
  posix_spawnattr_t attributes;
  if (const int error = posix_spawnattr_init(&attributes); error != 0) {
    return CannotStart(argv[0], error);
  }
  absl::Cleanup destroy_attributes = [&attributes] { posix_spawnattr_destroy(&attributes); };
  // Signals blocked in the parent would stay blocked across exec; the plugin must see SIGTERM.
  sigset_t none;
  sigemptyset(&none);
  int error = posix_spawn_file_actions_adddup2(&files, log_fd, STDOUT_FILENO);
  if (error == 0) error = posix_spawn_file_actions_adddup2(&files, log_fd, STDERR_FILENO);
  if (error == 0) error = posix_spawnattr_setsigmask(&attributes, &none);
  if (error == 0) error = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  if (error == 0) {
    error = posix_spawn(&pid, pointers[0], &files, &attributes, pointers.data(), environ);
  }
  if (error != 0) return CannotStart(argv[0], error);
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
