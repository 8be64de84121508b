// Provides the integration tests' harness: a temporary node (simulated host root + plugin
// directory), the kubelet emulator on it, and the real tee-device-plugin binary as a child
// process whose stderr is kept for the failure message.
// Thread safety: one harness per test, used from the test's thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw/simulated_node.h"
#include "kubelet_emulator.h"

namespace teedp::testing {

inline constexpr const char* kEpcResource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
inline constexpr const char* kEpcSocket = "sgx_epc_mem_in_MiB.sock";
inline constexpr std::chrono::milliseconds kWait{10000};
// How soon the plugin must follow a change on the host (the 100 ms; sanitizers slow
// everything about threefold).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::chrono::milliseconds kFollowWithin{300};
// RSS says nothing under a sanitizer (ASan holds freed memory in quarantine); LeakSanitizer
// checks the heap at the plugin's clean exit instead.
inline constexpr bool kRssMeaningful = false;
#else
inline constexpr std::chrono::milliseconds kFollowWithin{100};
inline constexpr bool kRssMeaningful = true;
#endif

// Result of running the binary to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `tee-device-plugin args...` and waits (at most 30 s) for it to end.
CommandResult RunBinary(const std::vector<std::string>& args);

// Entries in /proc/<pid>/fd (open descriptors), or -1 when the process is gone.
int OpenFdCount(pid_t pid);
// VmRSS from /proc/<pid>/status in KiB, or -1 when the process is gone.
long RssKib(pid_t pid);
// Checks `pred` every 2 ms until it holds (true) or `timeout` passes (false).
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
// How often `needle` occurs in `text`.
int CountOccurrences(const std::string& text, const std::string& needle);

class TempDir {
 public:
  TempDir();  // short path under /tmp: unix socket paths are limited to 107 bytes
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The plugin binary running `serve` in the background.
class PluginProcess {
 public:
  // Starts `tee-device-plugin serve args...` with stderr to a log file in `log_dir`; as the user
  // `run_as` when given (the test runs as root, whom file permissions do not stop). Unless `args`
  // name them: --metrics-address 127.0.0.1:0, --nfd-features-dir "" and --pod-resources-socket "".
  PluginProcess(const std::vector<std::string>& args, const std::string& log_dir,
                std::optional<uid_t> run_as = std::nullopt);
  ~PluginProcess();  // SIGKILL if still running

  pid_t pid() const { return pid_; }
  // Sends `signal` and waits up to `timeout`; the exit code, or nullopt when it did not exit.
  std::optional<int> SignalAndWait(int signal, std::chrono::milliseconds timeout);
  // Exit code if it has exited by now.
  std::optional<int> ExitCode();
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// A simulated node with the kubelet emulator and the plugin serving on it. Unless `extra_args`
// say otherwise, the plugin serves metrics on 127.0.0.1 with a port of the kernel's choice
// (MetricsPort() finds it in the log), writes node labels into nfd_dir() and reads no
// PodResources.
class NodeHarness {
 public:
  explicit NodeHarness(const std::string& spec = "numa=4GiB,4GiB driver=in-kernel",
                       std::vector<std::string> extra_args = {}, bool start_kubelet = true,
                       bool start_plugin = true);

  const std::string& root() const { return root_; }
  const std::string& plugin_dir() const { return plugin_dir_; }
  const std::string& nfd_dir() const { return nfd_dir_; }
  const std::string& dir() const { return dir_.path(); }
  emulator::KubeletEmulator& kubelet() { return *kubelet_; }
  PluginProcess& plugin() { return *plugin_; }
  // <plugin dir>/<the EPC resource's socket>.
  std::string socket_path() const { return plugin_dir_ + "/" + kEpcSocket; }
  void StartKubelet();
  // Starts (or replaces, killing the old one) the plugin with the harness's flags.
  void StartPlugin(std::optional<uid_t> run_as = std::nullopt);
  // Waits for a registration with at least `min_registrations` and a received device list.
  std::optional<emulator::ResourceView> WaitRegistered(int min_registrations = 1);
  std::optional<emulator::ResourceView> WaitFor(
      const std::function<bool(const emulator::ResourceView&)>& pred);
  // The plugin's log, for failure messages.
  std::string Log() const { return plugin_->Log(); }
  // The metrics port the plugin logged, waiting for the line; nullopt when it never came.
  std::optional<int> MetricsPort();

 private:
  TempDir dir_;
  std::vector<std::string> args_;
  std::string root_;
  std::string plugin_dir_;
  std::string nfd_dir_;
  std::unique_ptr<emulator::KubeletEmulator> kubelet_;
  std::unique_ptr<PluginProcess> plugin_;
};

// An HTTP GET of http://127.0.0.1:<port><path>: the status and body, or nullopt when nothing
// answered.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
std::optional<HttpAnswer> HttpGet(int port, const std::string& path);

// Builds an AllocateRequest with one container request per ID list.
v1beta1::AllocateRequest MakeAllocateRequest(const std::vector<std::vector<std::string>>& ids);
// The IDs of the first `count` healthy devices of a view.
std::vector<std::string> HealthyIds(const emulator::ResourceView& view, size_t count);

}  // namespace teedp::testing
