#include "observe/pod_resources.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

namespace teedp::observe {

void PrintTo(const ContainerUnits& c, std::ostream* out) {
  *out << c.pod_namespace << "/" << c.pod << "/" << c.container << " " << c.resource << "="
       << c.units;
}

namespace {

using ::testing::ElementsAre;

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

// One ContainerDevices entry for one device ID, as the kubelet lists them: with the NUMA node
// the ID was allocated on, or without topology when `numa_node` is negative.
void AddIdEntry(v1::ContainerResources& container, const std::string& resource,
                const std::string& id, int64_t numa_node) {
  v1::ContainerDevices* devices = container.add_devices();
  devices->set_resource_name(resource);
  devices->add_device_ids(id);
  if (numa_node >= 0) devices->mutable_topology()->add_nodes()->set_id(numa_node);
}

v1::ContainerResources& AddPod(v1::ListPodResourcesResponse& response, const std::string& ns,
                               const std::string& pod, const std::string& container) {
  v1::PodResources* entry = response.add_pod_resources();
  entry->set_namespace_(ns);
  entry->set_name(pod);
  v1::ContainerResources* first = entry->add_containers();
  first->set_name(container);
  return *first;
}

// The kubelet's answer: one entry per device ID and NUMA node, resources of a container
// interleaved in map order, an ID on two NUMA nodes listed twice.
TEST(PodResourcesTest, CountsDistinctIdsOfPerIdEntriesOncePerContainerAndResource) {
  v1::ListPodResourcesResponse response;
  v1::ContainerResources& main = AddPod(response, "ml", "trainer", "main");
  AddIdEntry(main, "example.com/epc", "e0", 0);
  AddIdEntry(main, "example.com/other", "o0", 1);
  AddIdEntry(main, "example.com/epc", "e1", 0);
  AddIdEntry(main, "nvidia.com/gpu", "g0", 0);
  AddIdEntry(main, "example.com/epc", "e2", 0);
  AddIdEntry(main, "example.com/epc", "e2", 1);  // e2 spans NUMA nodes 0 and 1: one unit
  AddIdEntry(main, "example.com/other", "o1", -1);
  v1::ContainerResources* sidecar = response.mutable_pod_resources(0)->add_containers();
  sidecar->set_name("sidecar");
  AddIdEntry(*sidecar, "example.com/epc", "e3", 1);
  AddIdEntry(*sidecar, "example.com/epc", "e4", 1);
  response.mutable_pod_resources(0)->add_containers()->set_name("no-devices");
  AddIdEntry(AddPod(response, "default", "web", "app"), "example.com/epc", "e5", 0);

  PodUnits units = CountPodUnits(response, {"example.com/epc", "example.com/other"}, 1000);
  EXPECT_THAT(units.containers,
              ElementsAre(ContainerUnits{"ml", "trainer", "main", "example.com/epc", 3},
                          ContainerUnits{"ml", "trainer", "main", "example.com/other", 2},
                          ContainerUnits{"ml", "trainer", "sidecar", "example.com/epc", 2},
                          ContainerUnits{"default", "web", "app", "example.com/epc", 1}));
  EXPECT_EQ(units.dropped, 0u);

  PodUnitsReport report;
  report.ok = true;
  report.units = units;
  MetricsText text;
  WritePodUnitMetrics(text, report);
  const std::string& body = text.text();
  EXPECT_NE(body.find("\ntee_device_plugin_pod_units{namespace=\"ml\",pod=\"trainer\","
                      "container=\"main\",resource=\"example.com/epc\"} 3\n"),
            std::string::npos)
      << body;
  size_t series = 0;
  for (size_t at = body.find("\ntee_device_plugin_pod_units{"); at != std::string::npos;
       at = body.find("\ntee_device_plugin_pod_units{", at + 1)) {
    ++series;
  }
  EXPECT_EQ(series, 4u) << body;
}

// The limit is on series (containers x resources), however many IDs each lists.
TEST(PodResourcesTest, TheSeriesLimitCountsSeriesNotIds) {
  v1::ListPodResourcesResponse response;
  for (int pod = 0; pod < 5; ++pod) {
    v1::ContainerResources& container = AddPod(response, "ns", "p" + std::to_string(pod), "c");
    for (int id = 0; id < 4; ++id) AddIdEntry(container, "r/x", std::to_string(id), id % 2);
  }
  PodUnits units = CountPodUnits(response, {"r/x"}, 3);
  EXPECT_THAT(units.containers, ElementsAre(ContainerUnits{"ns", "p0", "c", "r/x", 4},
                                            ContainerUnits{"ns", "p1", "c", "r/x", 4},
                                            ContainerUnits{"ns", "p2", "c", "r/x", 4}));
  EXPECT_EQ(units.dropped, 2u);
}

void AddClaimDevice(v1::ContainerResources& container, const std::string& claim,
                    const std::string& driver, const std::string& device) {
  v1::DynamicResource* dynamic = container.add_dynamic_resources();
  dynamic->set_claim_namespace("team-a");
  dynamic->set_claim_name(claim);
  v1::ClaimResource* resource = dynamic->add_claim_resources();
  resource->set_driver_name(driver);
  resource->set_pool_name("node-a");
  resource->set_device_name(device);
  resource->add_cdi_devices()->set_name(driver + "/claim=x");
}

// The kubelet lists a DRA claim's devices per container; only our drivers' count, a device the
// claim lists twice (two requests) is one series, and the limit holds.
TEST(PodResourcesTest, ListsEachContainersDevicesOfOurDriversOncePerClaim) {
  v1::ListPodResourcesResponse response;
  v1::PodResources* pod = response.add_pod_resources();
  pod->set_namespace_("team-a");
  pod->set_name("enclave");
  v1::ContainerResources* app = pod->add_containers();
  app->set_name("app");
  AddClaimDevice(*app, "epc-claim", "sgx.tee.dev", "epc-numa-1");
  AddClaimDevice(*app, "epc-claim", "sgx.tee.dev", "epc-numa-1");
  AddClaimDevice(*app, "gpu-claim", "gpu.example.com", "gpu-0");
  AddClaimDevice(*app, "quote", "guest.tee.dev", "tdx-guest");
  const ClaimDevices all = ListClaimDevices(response, {"sgx.tee.dev", "guest.tee.dev"}, 10);
  EXPECT_THAT(all.devices,
              ElementsAre(ContainerClaimDevice{"team-a", "enclave", "app", "team-a", "epc-claim",
                                               "sgx.tee.dev", "epc-numa-1"},
                          ContainerClaimDevice{"team-a", "enclave", "app", "team-a", "quote",
                                               "guest.tee.dev", "tdx-guest"}));
  EXPECT_EQ(all.dropped, 0u);
  const ClaimDevices limited = ListClaimDevices(response, {"sgx.tee.dev", "guest.tee.dev"}, 1);
  EXPECT_EQ(limited.devices.size(), 1u);
  EXPECT_EQ(limited.dropped, 1u);
}

TEST(PodResourcesTest, AFailedQueryIsReportedAndCachedNotAFailedScrape) {
  PodResourcesReader reader({.socket_path = "/nonexistent/pod-resources.sock",
                             .resources = {"r/x"},
                             .drivers = {},
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
}  // namespace teedp::observe
