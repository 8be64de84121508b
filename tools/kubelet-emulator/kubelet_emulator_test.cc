// The emulator against a fake plugin: registration, ListAndWatch and direct calls.
#include "kubelet_emulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "emulator_fixture.h"

namespace teedp::emulator::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(EmulatorTest, ServesKubeletSocketAndRemovesItOnStop) {
  EXPECT_EQ(kubelet_->socket_path(), dir_.path() + "/kubelet.sock");
  EXPECT_TRUE(std::filesystem::exists(kubelet_->socket_path()));
  kubelet_->Stop();
  EXPECT_FALSE(std::filesystem::exists(kubelet_->socket_path()));
}

TEST_F(EmulatorTest, StartFailsForMissingDirectory) {
  auto missing = KubeletEmulator::Start({.plugin_dir = dir_.path() + "/nope"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EmulatorTest, AcceptedRegistrationOpensListAndWatch) {
  auto plugin = StartRegisteredPlugin(MakeDevices(3), /*preferred=*/true);
  auto view = WaitListed();
  ASSERT_TRUE(view);
  EXPECT_EQ(view->resource_name, kResource);
  EXPECT_EQ(view->endpoint, "fake.sock");
  EXPECT_TRUE(view->options.get_preferred_allocation_available());
  ASSERT_EQ(view->devices.size(), 3u);
  EXPECT_EQ(view->devices[1], (DeviceView{.id = "d1", .health = "Healthy", .numa_nodes = {1}}));
  EXPECT_EQ(view->HealthyCount(), 3);
  EXPECT_GT(view->last_message_bytes, 0u);
  EXPECT_EQ(plugin->streams_opened(), 1);
  auto reported = kubelet_->WaitFor(
      kResource, [](const ResourceView& v) { return v.reported_options.has_value(); }, kWait);
  ASSERT_TRUE(reported) << "GetDevicePluginOptions follows the first list";
  EXPECT_TRUE(reported->reported_options->get_preferred_allocation_available());
}

struct BadRegistration {
  std::string name;
  std::string version;
  std::string resource;
  std::string endpoint;
  std::string message;
};

class RejectedRegistrationTest : public EmulatorTest,
                                 public ::testing::WithParamInterface<BadRegistration> {};

TEST_P(RejectedRegistrationTest, ReturnsAnErrorNamingTheProblem) {
  v1beta1::RegisterRequest request = MakeRegisterRequest(GetParam().endpoint);
  request.set_version(GetParam().version);
  request.set_resource_name(GetParam().resource);
  grpc::Status status = RegisterWith(kubelet_->socket_path(), request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr(GetParam().message));
  EXPECT_FALSE(kubelet_->Resource(GetParam().resource).has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Kubelet, RejectedRegistrationTest,
    ::testing::Values(
        BadRegistration{"BadVersion", "v1alpha", kResource, "a.sock", "unsupported version"},
        BadRegistration{"NoDomain", "v1beta1", "epc", "a.sock", "\"epc\""},
        BadRegistration{"KubernetesIo", "v1beta1", "kubernetes.io/epc", "a.sock", "reserved"},
        BadRegistration{"BadName", "v1beta1", "example.com/-x", "a.sock", "example.com/-x"},
        BadRegistration{"EndpointPath", "v1beta1", kResource, "/tmp/a.sock", "not a path"},
        BadRegistration{"EndpointSubdir", "v1beta1", kResource, "sub/a.sock", "not a path"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST_F(EmulatorTest, EveryListReplacesTheWholeList) {
  auto plugin = StartRegisteredPlugin(MakeDevices(4));
  ASSERT_TRUE(WaitListed());
  plugin->SetDevices(MakeDevices(2, "x", "Unhealthy"));
  auto view = kubelet_->WaitFor(
      kResource, [](const ResourceView& v) { return v.list_and_watch_updates >= 2; }, kWait);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->devices.size(), 2u);
  EXPECT_EQ(view->devices[0].id, "x0");
  EXPECT_EQ(view->HealthyCount(), 0);
}

TEST_F(EmulatorTest, NewRegistrationReplacesTheConnection) {
  auto first = StartRegisteredPlugin(MakeDevices(1), false, "one.sock");
  ASSERT_TRUE(WaitListed());
  auto second = StartRegisteredPlugin(MakeDevices(5), false, "two.sock");
  auto view = kubelet_->WaitFor(
      kResource,
      [](const ResourceView& v) { return v.registrations == 2 && v.devices.size() == 5; }, kWait);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->endpoint, "two.sock");
  EXPECT_EQ(view->list_and_watch_updates, 1) << "counts restart with the new stream";
  first.reset();  // the old plugin going away must not touch the new stream's view
  EXPECT_TRUE(kubelet_->Resource(kResource)->stream_open);
}

TEST_F(EmulatorTest, PluginEndingTheStreamClosesIt) {
  auto plugin = StartRegisteredPlugin(MakeDevices(1));
  ASSERT_TRUE(WaitListed());
  plugin->Shutdown();
  auto view = kubelet_->WaitFor(
      kResource, [](const ResourceView& v) { return !v.stream_open; }, kWait);
  ASSERT_TRUE(view);
}

TEST_F(EmulatorTest, DirectCallsReachThePlugin) {
  auto plugin = StartRegisteredPlugin(MakeDevices(2), true);
  ASSERT_TRUE(WaitListed());
  auto options = kubelet_->GetDevicePluginOptions(kResource);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->get_preferred_allocation_available());
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("d0");
  auto response = kubelet_->Allocate(kResource, request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->container_responses_size(), 1);
  ASSERT_EQ(plugin->allocate_requests().size(), 1u);
  EXPECT_THAT(plugin->allocate_requests()[0].container_requests(0).devices_ids(),
              ElementsAre("d0"));
  EXPECT_EQ(kubelet_->Allocate("example.com/other", request).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EmulatorTest, AllocateErrorKeepsCodeAndMessage) {
  auto plugin = StartRegisteredPlugin(MakeDevices(2));
  ASSERT_TRUE(WaitListed());
  plugin->SetAllocateError(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "unknown ID zz"));
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("zz");
  auto response = kubelet_->Allocate(kResource, request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(response.status().message(), "unknown ID zz");
  auto admitted = kubelet_->AdmitContainer(kResource, "ns/pod", "c", 1);
  EXPECT_EQ(admitted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(kubelet_->CheckpointedIds(kResource).empty()) << "nothing checkpointed on failure";
}

}  // namespace
}  // namespace teedp::emulator::testing

namespace teedp::emulator::testing {
namespace {

TEST(EmulatorEventsTest, ReportsRegistrationsAndLists) {
  TempDir dir;
  teedp::Mutex mu;
  std::vector<std::string> lines;
  auto kubelet =
      KubeletEmulator::Start({.plugin_dir = dir.path(), .on_event = [&](const std::string& line) {
                                teedp::MutexLock lock(&mu);
                                lines.push_back(line);
                              }});
  ASSERT_TRUE(kubelet.ok()) << kubelet.status();
  FakeDevicePlugin plugin(dir.path(), "e.sock");
  plugin.SetDevices(MakeDevices(2));
  EXPECT_FALSE(RegisterWith((*kubelet)->socket_path(), MakeRegisterRequest("a/b")).ok());
  ASSERT_TRUE(RegisterWith((*kubelet)->socket_path(), MakeRegisterRequest("e.sock")).ok());
  ASSERT_TRUE((*kubelet)->WaitFor(
      kResource, [](const ResourceView& v) { return v.list_and_watch_updates > 0; }, kWait));
  kubelet->reset();
  EXPECT_THAT(lines, ::testing::Contains(::testing::HasSubstr("registration rejected")));
  EXPECT_THAT(lines,
              ::testing::Contains("registration accepted: example.com/epc at endpoint e.sock"));
  EXPECT_THAT(lines, ::testing::Contains(
                         ::testing::HasSubstr("device list of 2 (2 healthy, 0 unhealthy)")));
}

}  // namespace
}  // namespace teedp::emulator::testing
