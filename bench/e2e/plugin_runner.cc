#include "e2e/plugin_runner.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "hw/simulated_node.h"

namespace teedp::bench {
namespace {

// Short, because the plugin's and the kubelet's unix socket paths live below it.
absl::StatusOr<std::string> MakeTempDir() {
  char path[] = "/tmp/teeb-XXXXXX";
  if (mkdtemp(path) == nullptr) return absl::InternalError("mkdtemp under /tmp failed");
  return std::string(path);
}

hw::SimulatedNode TwoNumaNodes(uint64_t epc_bytes) {
  hw::SimulatedNode node;
  node.numa_epc_bytes = {epc_bytes / 2, epc_bytes - epc_bytes / 2};
  return node;
}

// One line per event on stderr; stderr is unbuffered, so lines from gRPC threads stay whole in
// practice. The UTC time of day places each line among the plugin's own log lines.
std::function<void(const std::string&)> EventPrinter() {
  const Clock::time_point origin = Clock::now();
  return [origin](const std::string& line) {
    const std::string wall = absl::FormatTime("%H:%M:%E6S", absl::Now(), absl::UTCTimeZone());
    std::fprintf(stderr, "  [%9.3f ms %s] %s\n", ToMillis(Clock::now() - origin), wall.c_str(),
                 line.c_str());
  };
}

// Slices a bounded wait so a plugin that died is noticed within this much, not at the timeout.
constexpr std::chrono::milliseconds kLivenessSlice{100};

}  // namespace

PluginRunner::PluginRunner(std::string binary, std::string dir)
    : binary_(std::move(binary)), dir_(std::move(dir)) {}

absl::StatusOr<std::unique_ptr<PluginRunner>> PluginRunner::Create(const std::string& binary,
                                                                   uint64_t epc_bytes,
                                                                   bool verbose) {
  absl::StatusOr<std::string> dir = MakeTempDir();
  if (!dir.ok()) return dir.status();
  // From here the destructor removes the directory whatever fails next.
  std::unique_ptr<PluginRunner> runner(new PluginRunner(binary, *dir));
  std::error_code error;
  std::filesystem::create_directories(*dir + "/dp", error);
  if (error) return absl::InternalError(absl::StrCat(*dir, "/dp: ", error.message()));
  absl::Status written = hw::WriteSimulatedNode(*dir + "/host", TwoNumaNodes(epc_bytes));
  if (!written.ok()) return written;
  emulator::EmulatorOptions options{.plugin_dir = *dir + "/dp"};
  if (verbose) {
    runner->print_event_ = EventPrinter();
    options.on_event = [print = runner->print_event_](const std::string& line) {
      print(absl::StrCat("kubelet: ", line));
    };
  }
  auto kubelet = emulator::KubeletEmulator::Start(std::move(options));
  if (!kubelet.ok()) return kubelet.status();
  runner->kubelet_ = std::move(kubelet).value();
  return runner;
}

PluginRunner::~PluginRunner() {
  // The plugin first, so it sees its kubelet until SIGTERM rather than a lost connection.
  if (plugin_ != nullptr) plugin_->Stop();
  kubelet_.reset();
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

absl::StatusOr<Clock::time_point> PluginRunner::StartPlugin() {
  const std::string host = dir_ + "/host";
  // The metrics endpoint on, as deployed, but on a free port; no NFD labels file on this machine.
  const std::vector<std::string> argv = {binary_,
                                         "serve",
                                         "--plugin-dir",
                                         dir_ + "/dp",
                                         "--host-root",
                                         host,
                                         "--cpuid-dump",
                                         host + "/cpuid.txt",
                                         "--metrics-address",
                                         "127.0.0.1:0",
                                         "--nfd-features-dir",
                                         ""};
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn(argv, dir_ + "/plugin.log");
  if (!child.ok()) return child.status();
  plugin_ = std::move(child).value();
  if (print_event_) print_event_(absl::StrCat("bench: plugin started, pid ", plugin_->pid()));
  return start;
}

absl::StatusOr<Clock::time_point> PluginRunner::WaitUntil(
    const std::function<bool(const emulator::ResourceView&)>& pred,
    std::chrono::milliseconds timeout) {
  std::optional<Clock::time_point> held_at;
  auto timed = [&pred, &held_at](const emulator::ResourceView& view) {
    const bool holds = pred(view);
    if (holds && !held_at) held_at = Clock::now();
    return holds;
  };
  const Clock::time_point deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    // WaitFor wakes on every emulator event, so the slice bounds only the liveness check.
    if (kubelet_->WaitFor(kEpcResource, timed, kLivenessSlice)) return *held_at;
    if (plugin_ == nullptr || !plugin_->Running()) {
      return absl::AbortedError(absl::StrCat("the plugin exited with code ",
                                             plugin_ ? plugin_->exit_code().value_or(-1) : -1));
    }
  }
  return absl::DeadlineExceededError(absl::StrCat("no such state within ", timeout.count(), " ms"));
}

StopOutcome PluginRunner::StopPlugin() {
  if (plugin_ == nullptr) {
    StopOutcome none;
    none.already_exited = true;
    return none;
  }
  return plugin_->Stop();
}

std::string PluginRunner::LogTail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/plugin.log");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string log = buffer.str();
  return log.size() > max_bytes ? log.substr(log.size() - max_bytes) : log;
}

}  // namespace teedp::bench
