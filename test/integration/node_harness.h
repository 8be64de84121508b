// Provides the integration tests' harness: a temporary node (simulated host root + plugin
// directory), the kubelet emulator on it, and the real tee-device-plugin binary as a child
// process (support/plugin_process.h) whose stderr is kept for the failure message.
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
#include "support/env.h"
#include "support/eventually.h"
#include "support/metric_samples.h"
#include "support/plugin_process.h"
#include "support/temp_dir.h"

namespace teedp::testing {

inline constexpr const char* kEpcResource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
inline constexpr const char* kEpcSocket = "sgx_epc_mem_in_MiB.sock";
// RSS says nothing under a sanitizer (ASan holds freed memory in quarantine); LeakSanitizer
// checks the heap at the plugin's clean exit instead.
// (GCC defines __SANITIZE_*__; clang 14 only answers __has_feature.)
#if defined(__has_feature)
#define TEE_HAS_FEATURE(x) __has_feature(x)
#else
#define TEE_HAS_FEATURE(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
    TEE_HAS_FEATURE(address_sanitizer) || TEE_HAS_FEATURE(thread_sanitizer)
inline constexpr bool kRssMeaningful = false;
#else
inline constexpr bool kRssMeaningful = true;
#endif

// How soon the plugin must follow a change on the host, judged only when TEE_FOLLOW_WITHIN_MS is
// set (scripts/soak.sh sets the 100 ms): the gating suite waits on events and never
// fails on speed.
std::optional<std::chrono::milliseconds> FollowWithin();
// Fails the test when FollowWithin() is set and `took` exceeds it; `what` names the change.
void ExpectFollowedWithinBound(std::chrono::nanoseconds took, const std::string& what);

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
  // One scrape of the plugin's /metrics: the value of `series`, or nullopt when the series is
  // missing or nothing answered.
  std::optional<double> Metric(const std::string& series);

 private:
  TempDir dir_;
  std::vector<std::string> args_;
  std::string root_;
  std::string plugin_dir_;
  std::string nfd_dir_;
  std::unique_ptr<emulator::KubeletEmulator> kubelet_;
  std::unique_ptr<PluginProcess> plugin_;
  std::optional<int> metrics_port_;  // of the running plugin, once MetricsPort found it
};

// An HTTP GET of http://127.0.0.1:<port><path>: the status and body, or nullopt when nothing
// answered.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
std::optional<HttpAnswer> HttpGet(int port, const std::string& path);
// The samples of one /metrics scrape; nullopt when nothing answered or the status was not 200.
std::optional<MetricSamples> ScrapeMetrics(int port);

// Builds an AllocateRequest with one container request per ID list.
v1beta1::AllocateRequest MakeAllocateRequest(const std::vector<std::vector<std::string>>& ids);
// The IDs of the first `count` healthy devices of a view.
std::vector<std::string> HealthyIds(const emulator::ResourceView& view, size_t count);

}  // namespace teedp::testing
