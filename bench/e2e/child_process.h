// Provides ChildProcess: a program started with posix_spawn whose stdout and stderr go to a log
// file, stopped the way the kubelet's container runtime stops a pod (SIGTERM, then SIGKILL after a
// grace period).
// Thread safety: not thread-safe; the owner uses it from one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace teedp::bench {

// How a stopped child ended.
struct StopOutcome {
  bool already_exited = false;  // it had ended before the stop was asked for
  bool killed = false;          // SIGTERM was not enough within the grace period
  int exit_code = -1;           // exit status, or 128 + signal number
  double stop_millis = 0;       // from SIGTERM to the child being reaped
};

class ChildProcess {
 public:
  // Starts argv[0] (a path, not searched in PATH) with `argv`, stdout and stderr truncated into
  // `log_path`, and an empty signal mask. Internal naming the log when it cannot be created, or
  // the program when it cannot be started (missing, not executable, no process to be had).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                             const std::string& log_path);
  ~ChildProcess();  // Stop() when still running, so no child outlives its owner.

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the child if it has ended; true while it runs.
  bool Running();
  // The exit code (or 128 + signal) once reaped.
  std::optional<int> exit_code() const { return exit_code_; }
  // SIGTERM, waits up to `grace`, then SIGKILL. Idempotent: a second call reports the first end.
  StopOutcome Stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  bool Reap(int flags);

  pid_t pid_;
  std::optional<int> exit_code_;
  std::optional<StopOutcome> stopped_;
};

}  // namespace teedp::bench
