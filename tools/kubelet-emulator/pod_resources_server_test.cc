#include "pod_resources_server.h"

#include <gtest/gtest.h>

#include "checkpoint.h"
#include "registration_rules.h"
#include "test_util.h"

namespace tee::emulator {
namespace {

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

TEST(PodResourcesServerTest, ListsTheCheckpointByPodAndContainer) {
  testing::TempDir dir;
  Checkpoint checkpoint;
  checkpoint.Record({"ml/trainer", "main", "example.com/epc", {"0", "1", "2"}});
  checkpoint.Record({"web", "app", "example.com/epc", {"3"}});
  checkpoint.Record({"ml/trainer", "main", "example.com/other", {"x"}});
  checkpoint.Record({"ml/trainer", "sidecar", "example.com/epc", {"4", "5"}});
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
  ASSERT_EQ(trainer.containers(0).devices_size(), 2);
  EXPECT_EQ(trainer.containers(0).devices(0).device_ids_size(), 3);
  EXPECT_EQ(trainer.containers(0).devices(1).resource_name(), "example.com/other");
  EXPECT_EQ(trainer.containers(1).devices(0).device_ids_size(), 2);
  EXPECT_EQ(response->pod_resources(1).namespace_(), "default");
  EXPECT_EQ(response->pod_resources(1).name(), "web");
  EXPECT_EQ((*server)->list_calls(), 1);

  (*server)->Shutdown();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/pod-resources.sock"));
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
}  // namespace tee::emulator
