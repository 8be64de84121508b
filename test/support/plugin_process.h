// Provides the plugin process fixture: the real tee-device-plugin binary run to completion
// (RunBinary) or serving in the background (PluginProcess), with what tests read about such a
// process (open descriptors, RSS, occurrences of a line in its log).
// Thread safety: one PluginProcess per test, used from the test's thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace teedp::testing {

// Result of running the binary to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `tee-device-plugin args...` and waits for it to end (SIGKILL after 30 s, exit code 137).
CommandResult RunBinary(const std::vector<std::string>& args);

// Entries in /proc/<pid>/fd (open descriptors), or -1 when the process is gone.
int OpenFdCount(pid_t pid);
// VmRSS from /proc/<pid>/status in KiB, or -1 when the process is gone.
long RssKib(pid_t pid);
// Sizes of a process's mappings in KiB: mapped (the address range) and resident.
struct MappedKib {
  long size = 0;
  long rss = 0;
};
// The executable mappings (code) of the process's own binary, from /proc/<pid>/smaps; nullopt
// when the process is gone or maps no code of its binary.
std::optional<MappedKib> ExecutableCodeKib(pid_t pid);
// How often `needle` occurs in `text`.
int CountOccurrences(const std::string& text, const std::string& needle);

// The plugin binary running `serve` in the background.
class PluginProcess {
 public:
  // Starts `tee-device-plugin serve args...` with stderr to `log_dir`/plugin.log; as the user
  // `run_as` when given (the test runs as root, whom file permissions do not stop). Unless `args`
  // name them: --metrics-address 127.0.0.1:0, --nfd-features-dir "" and --pod-resources-socket "".
  PluginProcess(const std::vector<std::string>& args, const std::string& log_dir,
                std::optional<uid_t> run_as = std::nullopt);
  ~PluginProcess();  // SIGKILL if still running
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` and waits up to `timeout` for the exit; the exit code (128 + signal when
  // killed), or nullopt when it did not exit.
  std::optional<int> SignalAndWait(int signal, std::chrono::milliseconds timeout);
  // Exit code if it has exited by now.
  std::optional<int> ExitCode();
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

}  // namespace teedp::testing
