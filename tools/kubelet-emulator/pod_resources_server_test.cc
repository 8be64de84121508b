#include "pod_resources_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "checkpoint.h"
#include "emulator_fixture.h"
#include "registration_rules.h"
#include "test_util.h"

namespace teedp::emulator {
namespace {

using ::testing::ElementsAre;
using testing::EmulatorTest;
using testing::kResource;
using testing::MakeDevices;

absl::StatusOr<v1::ListPodResourcesResponse> List(const std::string& socket) {
  auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
  auto stub = v1::PodResourcesLister::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListPodResourcesResponse response;
  grpc::Status status = stub->List(&context, v1::ListPodResourcesRequest(), &response);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  return response;
}

// "resource id@node" per ContainerDevices ("@-" without topology), to compare whole lists.
std::vector<std::string> Entries(const v1::ContainerResources& container) {
  std::vector<std::string> entries;
  for (const v1::ContainerDevices& devices : container.devices()) {
    std::string entry = devices.resource_name();
    for (const std::string& id : devices.device_ids()) entry += " " + id;
    if (!devices.has_topology()) entry += "@-";
    for (const v1::NUMANode& node : devices.topology().nodes()) {
      entry += "@" + std::to_string(node.id());
    }
    entries.push_back(entry);
  }
  return entries;
}

// As the kubelet answers: one entry per device ID and NUMA node, never all IDs in one entry.
TEST(PodResourcesServerTest, ListsOneEntryPerDeviceIdAndNumaNode) {
  testing::TempDir dir;
  Checkpoint checkpoint;
  checkpoint.Record({"ml/trainer",
                     "main",
                     "example.com/epc",
                     {"0", "1", "2"},
                     {{"0", {0}}, {"1", {0, 1}}}});  // "2" has no topology
  checkpoint.Record({"web", "app", "example.com/epc", {"3"}, {{"3", {1}}}});
  checkpoint.Record({"ml/trainer", "main", "example.com/other", {"x"}});
  checkpoint.Record(
      {"ml/trainer", "sidecar", "example.com/epc", {"4", "5"}, {{"4", {0}}, {"5", {0}}}});
  ASSERT_TRUE(checkpoint.Save(dir.path() + "/" + kCheckpointName).ok());

  auto server = PodResourcesServer::Start(dir.path() + "/pod-resources.sock", dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto response = List(dir.path() + "/pod-resources.sock");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->pod_resources_size(), 2);
  const v1::PodResources& trainer = response->pod_resources(0);
  EXPECT_EQ(trainer.namespace_(), "ml");
  EXPECT_EQ(trainer.name(), "trainer");
  ASSERT_EQ(trainer.containers_size(), 2);
  EXPECT_EQ(trainer.containers(0).name(), "main");
  EXPECT_THAT(Entries(trainer.containers(0)),
              ElementsAre("example.com/epc 0@0", "example.com/epc 1@0", "example.com/epc 1@1",
                          "example.com/epc 2@-", "example.com/other x@-"));
  EXPECT_EQ(trainer.containers(1).name(), "sidecar");
  EXPECT_THAT(Entries(trainer.containers(1)),
              ElementsAre("example.com/epc 4@0", "example.com/epc 5@0"));
  EXPECT_EQ(response->pod_resources(1).namespace_(), "default");
  EXPECT_EQ(response->pod_resources(1).name(), "web");
  EXPECT_THAT(Entries(response->pod_resources(1).containers(0)),
              ElementsAre("example.com/epc 3@1"));
  EXPECT_EQ((*server)->list_calls(), 1);

  (*server)->Shutdown();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/pod-resources.sock"));
}

// Admission keeps the NUMA nodes of the plugin's list, and List reports them per ID.
TEST_F(EmulatorTest, AdmittedIdsAreListedWithTheirPluginTopology) {
  auto plugin = StartRegisteredPlugin(MakeDevices(4));  // d<i> on NUMA node i % 2
  ASSERT_TRUE(WaitListed());
  ASSERT_TRUE(kubelet_->AdmitContainer(kResource, "ns/a", "c", 3).ok());
  auto server = PodResourcesServer::Start(dir_.path() + "/pr.sock", dir_.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto response = List(dir_.path() + "/pr.sock");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->pod_resources_size(), 1);
  EXPECT_THAT(Entries(response->pod_resources(0).containers(0)),
              ElementsAre("example.com/epc d0@0", "example.com/epc d1@1", "example.com/epc d2@0"));
}

TEST(PodResourcesServerTest, NoCheckpointIsAnEmptyList) {
  testing::TempDir dir;
  auto server = PodResourcesServer::Start(dir.path() + "/pr.sock", dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto response = List(dir.path() + "/pr.sock");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->pod_resources_size(), 0);
}

}  // namespace
}  // namespace teedp::emulator
