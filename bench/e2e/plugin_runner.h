// Provides PluginRunner, one benchmark node: a short temporary directory under /tmp holding a
// simulated SGX host root (EPC split evenly over two NUMA nodes) and a kubelet plugin directory,
// the kubelet emulator serving there in this process, and the real `tee-device-plugin serve` as
// a child process.
// Thread safety: not thread-safe; one runner per run, used from one thread (the emulator it hands
// out is thread-safe itself).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "e2e/child_process.h"
#include "e2e/latency.h"
#include "kubelet_emulator.h"

namespace teedp::bench {

inline constexpr const char* kEpcResource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";

class PluginRunner {
 public:
  // Creates the directory, writes the node and starts the emulator (the kubelet is up before the
  // plugin, as on a running node). The plugin is not started yet. Internal naming what failed.
  // `verbose`: every emulator event, and the plugin's start, go to stderr with milliseconds since
  // Create and the UTC time of day.
  static absl::StatusOr<std::unique_ptr<PluginRunner>> Create(const std::string& binary,
                                                              uint64_t epc_bytes, bool verbose);
  // Stops the plugin (SIGTERM, SIGKILL after 2 s), then the emulator, then removes the directory.
  ~PluginRunner();

  // Starts `binary serve --plugin-dir D --host-root R --cpuid-dump R/cpuid.txt`, its output to
  // a log file. Returns the steady-clock time taken just before fork. Call once.
  absl::StatusOr<Clock::time_point> StartPlugin();

  // Waits until `pred` holds for the EPC resource's view and returns the time it was first seen
  // to hold (taken inside the emulator's wake-up, so copying the view afterwards is not counted).
  // DeadlineExceeded after `timeout`; Aborted as soon as the plugin has exited.
  absl::StatusOr<Clock::time_point> WaitUntil(
      const std::function<bool(const emulator::ResourceView&)>& pred,
      std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL after 2 s. Idempotent.
  StopOutcome StopPlugin();

  emulator::KubeletEmulator& kubelet() { return *kubelet_; }
  pid_t plugin_pid() const { return plugin_->pid(); }
  // The last `max_bytes` of the plugin's output, for error messages.
  std::string LogTail(size_t max_bytes = 2000) const;

 private:
  PluginRunner(std::string binary, std::string dir);

  const std::string binary_;
  const std::string dir_;  // /tmp/teeb-XXXXXX: socket paths must stay under 108 bytes
  std::unique_ptr<emulator::KubeletEmulator> kubelet_;
  std::unique_ptr<ChildProcess> plugin_;
  std::function<void(const std::string&)> print_event_;  // set when verbose
};

}  // namespace teedp::bench
