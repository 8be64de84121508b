#include "node_harness.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace teedp::testing {

NodeHarness::NodeHarness(const std::string& spec, std::vector<std::string> extra_args,
                         bool start_kubelet, bool start_plugin)
    : root_(dir_.path() + "/host"),
      plugin_dir_(dir_.path() + "/dp"),
      nfd_dir_(dir_.path() + "/nfd") {
  std::filesystem::create_directories(plugin_dir_);
  std::filesystem::create_directories(nfd_dir_);
  auto node = hw::ParseSimulatedNodeSpec(spec);
  EXPECT_TRUE(node.ok()) << node.status();
  EXPECT_TRUE(hw::WriteSimulatedNode(root_, *node).ok());
  if (start_kubelet) StartKubelet();
  args_ = {"--plugin-dir", plugin_dir_,          "--host-root", root_,
           "--cpuid-dump", root_ + "/cpuid.txt", "--log-level", "debug"};
  if (std::find(extra_args.begin(), extra_args.end(), "--nfd-features-dir") == extra_args.end()) {
    args_.insert(args_.end(), {"--nfd-features-dir", nfd_dir_});
  }
  args_.insert(args_.end(), extra_args.begin(), extra_args.end());
  if (start_plugin) StartPlugin();
}

void NodeHarness::StartPlugin(std::optional<uid_t> run_as) {
  metrics_port_.reset();
  plugin_.reset();  // the destructor kills a plugin still running
  plugin_ = std::make_unique<PluginProcess>(args_, dir_.path(), run_as);
}

std::optional<int> NodeHarness::MetricsPort() {
  // The metrics_url field, in text or JSON.
  std::optional<int> port;
  Eventually([&] {
    const std::string log = Log();
    for (const std::string marker :
         {"metrics_url=http://127.0.0.1:", "\"metrics_url\":\"http://127.0.0.1:"}) {
      if (size_t at = log.find(marker); at != std::string::npos) {
        port = std::atoi(log.c_str() + at + marker.size());
        return true;
      }
    }
    return plugin_->ExitCode().has_value();
  });
  return port;
}

std::optional<MetricSamples> ScrapeMetrics(int port) {
  std::optional<HttpAnswer> answer = HttpGet(port, "/metrics");
  if (!answer || answer->status != 200) return std::nullopt;
  return MetricSamples::Parse(answer->body);
}

std::optional<double> NodeHarness::Metric(const std::string& series) {
  if (!metrics_port_) metrics_port_ = MetricsPort();
  if (!metrics_port_) return std::nullopt;
  std::optional<MetricSamples> samples = ScrapeMetrics(*metrics_port_);
  return samples ? samples->Get(series) : std::nullopt;
}

std::optional<HttpAnswer> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  httplib::Result result = client.Get(path.c_str());
  if (!result) return std::nullopt;
  return HttpAnswer{result->status, result->body};
}

void NodeHarness::StartKubelet() {
  auto kubelet = emulator::KubeletEmulator::Start({.plugin_dir = plugin_dir_});
  EXPECT_TRUE(kubelet.ok()) << kubelet.status();
  kubelet_ = std::move(kubelet).value();
}

std::optional<emulator::ResourceView> NodeHarness::WaitFor(
    const std::function<bool(const emulator::ResourceView&)>& pred) {
  return kubelet_->WaitFor(kEpcResource, pred, kWait);
}

std::optional<emulator::ResourceView> NodeHarness::WaitRegistered(int min_registrations) {
  return WaitFor([min_registrations](const emulator::ResourceView& view) {
    return view.registrations >= min_registrations && view.stream_open &&
           view.list_and_watch_updates > 0;
  });
}

std::optional<std::chrono::milliseconds> FollowWithin() {
  std::optional<int> bound = PositiveIntFromEnv("TEE_FOLLOW_WITHIN_MS");
  if (!bound) return std::nullopt;
  return std::chrono::milliseconds(*bound);
}

void ExpectFollowedWithinBound(std::chrono::nanoseconds took, const std::string& what) {
  if (std::optional<std::chrono::milliseconds> bound = FollowWithin()) {
    EXPECT_LE(took, *bound) << what << " took "
                            << std::chrono::duration_cast<std::chrono::microseconds>(took).count()
                            << " us";
  }
}

v1beta1::AllocateRequest MakeAllocateRequest(const std::vector<std::vector<std::string>>& ids) {
  v1beta1::AllocateRequest request;
  for (const auto& container : ids) {
    auto* container_request = request.add_container_requests();
    for (const std::string& id : container) container_request->add_devices_ids(id);
  }
  return request;
}

std::vector<std::string> HealthyIds(const emulator::ResourceView& view, size_t count) {
  std::vector<std::string> ids;
  for (const auto& device : view.devices) {
    if (ids.size() == count) break;
    if (device.health == "Healthy") ids.push_back(device.id);
  }
  return ids;
}

}  // namespace teedp::testing
