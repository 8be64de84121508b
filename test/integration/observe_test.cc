// The real binary's /metrics, /healthz and /readyz against the kubelet emulator's view, per-pod
// units through the emulator's PodResources stand-in, JSON logs, node labels for NFD, and a busy
// metrics port.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "node_harness.h"
#include "pod_resources_server.h"

namespace teedp::testing {
namespace {

using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::Optional;

const std::string kRes = std::string("resource=\"") + kEpcResource + "\"";

// One scrape; a failed one is a test failure and an empty set of samples, so every lookup that
// follows fails too.
MetricSamples Scrape(int port) {
  std::optional<MetricSamples> samples = ScrapeMetrics(port);
  EXPECT_TRUE(samples.has_value()) << "no 200 answer from /metrics on port " << port;
  return samples.value_or(MetricSamples());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Asks `path` until it answers `status` (readiness follows Register by a moment); the last
// status seen, 0 when nothing answered.
int WaitForStatus(int port, const std::string& path, int status) {
  std::optional<HttpAnswer> answer;
  Eventually([&] {
    answer = HttpGet(port, path);
    return answer && answer->status == status;
  });
  return answer ? answer->status : 0;
}

TEST(ObserveTest, ReadyzWaitsForTheKubeletAndHealthzAnswersThroughout) {
  NodeHarness node("numa=1GiB driver=in-kernel", {}, /*start_kubelet=*/false);
  std::optional<int> port = node.MetricsPort();
  ASSERT_TRUE(port) << node.Log();
  std::optional<HttpAnswer> ready = HttpGet(*port, "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_THAT(ready->body,
              HasSubstr(std::string("not registered with the kubelet: ") + kEpcResource));
  EXPECT_EQ(HttpGet(*port, "/healthz")->status, 200);
  EXPECT_THAT(Scrape(*port).Get("tee_device_plugin_registered{" + kRes + "}"), Optional(0));

  node.StartKubelet();
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  EXPECT_EQ(WaitForStatus(*port, "/readyz", 200), 200) << node.Log();
  EXPECT_EQ(HttpGet(*port, "/healthz")->status, 200);
}

TEST(ObserveTest, MetricsMatchTheKubeletsViewAndCountAllocatesByCode) {
  NodeHarness node("numa=4GiB,2GiB driver=in-kernel");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::optional<int> port = node.MetricsPort();
  ASSERT_TRUE(port) << node.Log();
  std::map<int64_t, int> per_numa;
  for (const auto& device : view->devices) per_numa[device.numa_nodes.at(0)]++;

  MetricSamples metrics = Scrape(*port);
  for (const auto& [numa, count] : per_numa) {
    const std::string labels = "{" + kRes + ",numa_node=\"" + std::to_string(numa) + "\"}";
    EXPECT_THAT(metrics.Get("tee_device_plugin_capacity_units" + labels), Optional(count))
        << labels;
    EXPECT_THAT(metrics.Get("tee_device_plugin_allocatable_units" + labels), Optional(count))
        << labels;
  }
  EXPECT_THAT(metrics.Get("tee_device_plugin_units{" + kRes + ",health=\"healthy\"}"),
              Optional(view->HealthyCount()));
  EXPECT_THAT(metrics.Get("tee_device_plugin_registrations_total{" + kRes + "}"),
              Optional(view->registrations));
  EXPECT_THAT(metrics.Get("tee_device_plugin_registration_failures_total{" + kRes + "}"),
              Optional(0));
  EXPECT_THAT(metrics.Get("tee_device_plugin_list_and_watch_streams_open{" + kRes + "}"),
              Optional(1));

  const std::string log_before = node.Log();
  const size_t log_lines_before = std::count(log_before.begin(), log_before.end(), '\n');
  constexpr int kAllocates = 7;
  std::vector<std::string> ids = HealthyIds(*view, kAllocates);
  for (const std::string& id : ids) {
    ASSERT_TRUE(node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({{id}})).ok());
  }
  auto bad = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({{"no-such-id"}}));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);

  metrics = Scrape(*port);
  const std::string allocate = "{" + kRes + ",method=\"Allocate\"";
  EXPECT_THAT(metrics.Get("tee_device_plugin_grpc_calls_total" + allocate + ",code=\"OK\"}"),
              Optional(kAllocates));
  EXPECT_THAT(
      metrics.Get("tee_device_plugin_grpc_calls_total" + allocate + ",code=\"INVALID_ARGUMENT\"}"),
      Optional(1));
  EXPECT_THAT(metrics.Get("tee_device_plugin_grpc_call_duration_seconds_count" + allocate + "}"),
              Optional(kAllocates + 1));
  EXPECT_THAT(metrics.Get("tee_device_plugin_grpc_call_duration_seconds_bucket" + allocate +
                          ",le=\"+Inf\"}"),
              Optional(kAllocates + 1));
  EXPECT_THAT(metrics.Get("tee_device_plugin_grpc_call_duration_seconds_sum" + allocate + "}"),
              Optional(Gt(0)));
  bool has_build_info = false;
  for (const auto& [series, value] : metrics.all()) {
    if (series.starts_with("tee_device_plugin_build_info{version=\"0.1.0\",git_commit=\"")) {
      has_build_info = value == 1;
    }
  }
  EXPECT_TRUE(has_build_info);
  const std::string log_after = node.Log();
  const size_t log_lines_after = std::count(log_after.begin(), log_after.end(), '\n');
  EXPECT_LT(log_lines_after - log_lines_before, static_cast<size_t>(kAllocates))
      << "no log line per Allocate";
}

// ContainerDevices entries the PodResources socket lists for the pod's first container.
int ListedEntries(const std::string& socket, const std::string& pod) {
  auto stub = v1::PodResourcesLister::NewStub(
      grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListPodResourcesResponse response;
  EXPECT_TRUE(stub->List(&context, v1::ListPodResourcesRequest(), &response).ok());
  for (const v1::PodResources& listed : response.pod_resources()) {
    if (listed.name() == pod && listed.containers_size() > 0) {
      return listed.containers(0).devices_size();
    }
  }
  return -1;
}

// The emulator answers as the kubelet does, one ContainerDevices per device ID: a container
// holding 7 units is one series of value 7, not 7 series of value 1.
TEST(ObserveTest, PerPodUnitsComeFromThePodResourcesApi) {
  TempDir sockets;
  const std::string socket = sockets.path() + "/pod-resources.sock";
  NodeHarness node("numa=1GiB,1GiB driver=in-kernel", {"--pod-resources-socket", socket});
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  std::optional<int> port = node.MetricsPort();
  ASSERT_TRUE(port) << node.Log();
  auto pod_resources = emulator::PodResourcesServer::Start(socket, node.plugin_dir());
  ASSERT_TRUE(pod_resources.ok()) << pod_resources.status();
  ASSERT_TRUE(node.kubelet().AdmitContainer(kEpcResource, "ml/trainer", "main", 7).ok());
  ASSERT_TRUE(node.kubelet().AdmitContainer(kEpcResource, "web", "app", 3).ok());
  ASSERT_EQ(ListedEntries(socket, "trainer"), 7) << "one entry per device ID";

  std::optional<HttpAnswer> answer = HttpGet(*port, "/metrics");
  ASSERT_TRUE(answer.has_value());
  std::vector<std::string> series;
  std::istringstream lines(answer->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("tee_device_plugin_pod_units{")) series.push_back(line);
  }
  EXPECT_THAT(series, ::testing::UnorderedElementsAre(
                          "tee_device_plugin_pod_units{namespace=\"ml\",pod=\"trainer\","
                          "container=\"main\"," +
                              kRes + "} 7",
                          "tee_device_plugin_pod_units{namespace=\"default\",pod=\"web\","
                          "container=\"app\"," +
                              kRes + "} 3"))
      << answer->body;
  MetricSamples metrics = MetricSamples::Parse(answer->body);
  EXPECT_THAT(metrics.Get("tee_device_plugin_pod_units_series_dropped"), Optional(0));
  EXPECT_THAT(metrics.Get("tee_device_plugin_pod_resources_up"), Optional(1));
  for (int i = 0; i < 5; ++i) Scrape(*port);
  EXPECT_EQ((*pod_resources)->list_calls(), 2)
      << "scrapes within the cache period share a query (the second call is the test's own)";
}

TEST(ObserveTest, AnUnreachablePodResourcesSocketIsAMetricNotAFailedScrape) {
  NodeHarness node("numa=1GiB driver=in-kernel",
                   {"--pod-resources-socket", "/nonexistent/pod-resources.sock"});
  std::optional<int> port = node.MetricsPort();
  ASSERT_TRUE(port) << node.Log();
  MetricSamples metrics = Scrape(*port);
  EXPECT_THAT(metrics.Get("tee_device_plugin_pod_resources_up"), Optional(0));
  EXPECT_THAT(metrics.Get("tee_device_plugin_pod_resources_query_failures_total"), Optional(1));
}

TEST(ObserveTest, JsonLogsAreOneObjectPerLine) {
  NodeHarness node("numa=1GiB driver=in-kernel", {"--log-format", "json"});
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  ASSERT_TRUE(node.MetricsPort()) << node.Log();
  std::istringstream lines(node.Log());
  int objects = 0;
  bool saw_url_field = false;
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(event.is_object()) << line;
    EXPECT_TRUE(event.contains("time") && event.contains("level") && event.contains("msg")) << line;
    saw_url_field = saw_url_field || event.contains("metrics_url");
    ++objects;
  }
  EXPECT_GT(objects, 2);
  EXPECT_TRUE(saw_url_field) << node.Log();
}

TEST(ObserveTest, NodeLabelsFollowTheHardwareAndGoAwayOnShutdown) {
  NodeHarness node("numa=4GiB,4GiB driver=in-kernel");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  const std::string file = node.nfd_dir() + "/tee-device-plugin";
  std::string labels = ReadFile(file);
  EXPECT_THAT(labels, HasSubstr("sgx.tee.dev/enabled=true\n"));
  EXPECT_THAT(labels, HasSubstr("sgx.tee.dev/driver=in-kernel\n"));
  EXPECT_THAT(labels, HasSubstr("sgx.tee.dev/epc-mib=8192\n"));
  // `detect` shows operators the same labels (deploy-check matches NodeFeatureRules against them).
  std::vector<std::string> written;
  std::istringstream lines(labels);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') written.push_back(line);
  }
  CommandResult detect = RunBinary(
      {"detect", "--json", "--host-root", node.root(), "--cpuid-dump", node.root() + "/cpuid.txt"});
  ASSERT_EQ(detect.exit_code, 0) << detect.err;
  const nlohmann::json detected = nlohmann::json::parse(detect.out);
  std::vector<std::string> shown;
  for (const auto& [name, value] : detected["node_labels"].items()) {
    shown.push_back(name + "=" + value.get<std::string>());
  }
  std::sort(written.begin(), written.end());
  EXPECT_EQ(shown, written);  // nlohmann keeps object keys sorted

  std::filesystem::remove(node.root() + "/dev/sgx_enclave");
  ASSERT_TRUE(node.WaitFor([](const emulator::ResourceView& v) { return v.HealthyCount() == 0; }))
      << node.Log();
  Eventually([&] { return ReadFile(file).find("enabled=false") != std::string::npos; });
  EXPECT_THAT(ReadFile(file), HasSubstr("sgx.tee.dev/enabled=false\n"));

  ASSERT_EQ(node.plugin().SignalAndWait(SIGTERM, kWait), 0) << node.Log();
  EXPECT_FALSE(std::filesystem::exists(file)) << "removed on a clean shutdown";
}

TEST(ObserveTest, ABusyMetricsPortStopsTheStartNamingTheAddress) {
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t length = sizeof(address);
  getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string busy = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  NodeHarness node("numa=1GiB", {"--metrics-address", busy}, false);
  EXPECT_EQ(node.plugin().SignalAndWait(0, kWait), 2);
  EXPECT_THAT(node.Log(), HasSubstr("cannot listen on --metrics-address " + busy));
  EXPECT_THAT(node.Log(), HasSubstr("in use"));
  close(holder);
}

}  // namespace
}  // namespace teedp::testing
