#include "observe/pod_resources.h"

#include <gtest/gtest.h>

namespace tee::observe {
namespace {

void AddContainer(v1::ListPodResourcesResponse& response, const std::string& ns,
                  const std::string& pod, const std::string& container, const std::string& resource,
                  int ids) {
  v1::PodResources* entry = response.add_pod_resources();
  entry->set_namespace_(ns);
  entry->set_name(pod);
  v1::ContainerDevices* devices = entry->add_containers()->add_devices();
  entry->mutable_containers(0)->set_name(container);
  devices->set_resource_name(resource);
  for (int i = 0; i < ids; ++i) devices->add_device_ids(std::to_string(i));
}

TEST(PodResourcesTest, CountsOurResourcesPerContainerOnly) {
  v1::ListPodResourcesResponse response;
  AddContainer(response, "default", "enclave", "app", "example.com/epc", 10);
  AddContainer(response, "default", "gpu", "train", "nvidia.com/gpu", 2);
  AddContainer(response, "ml", "both", "main", "example.com/epc", 3);
  AddContainer(response, "ml", "empty", "main", "example.com/epc", 0);
  PodUnits units = CountPodUnits(response, {"example.com/epc"}, 1000);
  ASSERT_EQ(units.containers.size(), 2u);
  EXPECT_EQ(units.containers[0].pod_namespace, "default");
  EXPECT_EQ(units.containers[0].pod, "enclave");
  EXPECT_EQ(units.containers[0].container, "app");
  EXPECT_EQ(units.containers[0].units, 10u);
  EXPECT_EQ(units.containers[1].pod, "both");
  EXPECT_EQ(units.containers[1].units, 3u);
  EXPECT_EQ(units.dropped, 0u);
}

TEST(PodResourcesTest, TheSeriesLimitCountsWhatItDrops) {
  v1::ListPodResourcesResponse response;
  for (int i = 0; i < 5; ++i) AddContainer(response, "ns", "p" + std::to_string(i), "c", "r/x", 1);
  PodUnits units = CountPodUnits(response, {"r/x"}, 3);
  EXPECT_EQ(units.containers.size(), 3u);
  EXPECT_EQ(units.dropped, 2u);
}

TEST(PodResourcesTest, AFailedQueryIsReportedAndCachedNotAFailedScrape) {
  PodResourcesReader reader({.socket_path = "/nonexistent/pod-resources.sock",
                             .resources = {"r/x"},
                             .deadline = std::chrono::milliseconds(200),
                             .cache_for = std::chrono::seconds(60)});
  PodUnitsReport first = reader.Read();
  EXPECT_FALSE(first.ok);
  EXPECT_NE(first.error.find("/nonexistent/pod-resources.sock"), std::string::npos) << first.error;
  EXPECT_EQ(first.queries, 1u);
  EXPECT_EQ(first.failures, 1u);
  PodUnitsReport second = reader.Read();
  EXPECT_EQ(second.queries, 1u) << "answered from the cache";

  MetricsText text;
  WritePodUnitMetrics(text, second);
  EXPECT_NE(text.text().find("\ntee_device_plugin_pod_resources_up 0\n"), std::string::npos);
  EXPECT_NE(text.text().find("\ntee_device_plugin_pod_resources_query_failures_total 1\n"),
            std::string::npos);
}

TEST(PodResourcesTest, MetricsCarryBoundedLabels) {
  PodUnitsReport report;
  report.ok = true;
  report.units.containers.push_back({"default", "enclave", "app", "r/x", 10});
  report.units.dropped = 4;
  MetricsText text;
  WritePodUnitMetrics(text, report);
  EXPECT_NE(text.text().find("tee_device_plugin_pod_units{namespace=\"default\",pod=\"enclave\","
                             "container=\"app\",resource=\"r/x\"} 10\n"),
            std::string::npos)
      << text.text();
  EXPECT_NE(text.text().find("\ntee_device_plugin_pod_units_series_dropped 4\n"),
            std::string::npos);
}

}  // namespace
}  // namespace tee::observe
