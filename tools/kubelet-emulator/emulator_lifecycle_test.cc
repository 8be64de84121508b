// Restart, the message-size limit, the checkpoint across instances, and prompt destruction.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "emulator_fixture.h"

namespace teedp::emulator::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::vector<std::string> FileNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename());
  }
  return names;
}

TEST_F(EmulatorTest, RestartWipesEverythingButTheCheckpoint) {
  auto plugin = StartRegisteredPlugin(MakeDevices(2));
  ASSERT_TRUE(WaitListed());
  ASSERT_TRUE(kubelet_->AdmitContainer(kResource, "ns/a", "c", 1).ok());
  std::ofstream(dir_.path() + "/stray.txt") << "x";
  std::filesystem::create_directory(dir_.path() + "/keep-dir");
  ASSERT_TRUE(kubelet_->Restart().ok());
  EXPECT_THAT(FileNames(dir_.path()),
              UnorderedElementsAre("kubelet.sock", "kubelet_internal_checkpoint", "keep-dir"));
  auto view = kubelet_->Resource(kResource);
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->stream_open);
  EXPECT_EQ(kubelet_->Allocate(kResource, {}).status().code(), absl::StatusCode::kNotFound);
  // The plugin notices its socket went away and serves and registers again.
  plugin.reset();
  auto again = StartRegisteredPlugin(MakeDevices(3));
  auto relisted = WaitListed(/*registrations=*/2);
  ASSERT_TRUE(relisted);
  EXPECT_EQ(relisted->devices.size(), 3u);
  EXPECT_THAT(kubelet_->CheckpointedIds(kResource), ElementsAre("d0"));
  auto second = kubelet_->AdmitContainer(kResource, "ns/b", "c", 1);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->device_ids, ElementsAre("d1"));
}

TEST_F(EmulatorTest, RestartAfterStopServesAgain) {
  kubelet_->Stop();
  ASSERT_TRUE(kubelet_->Restart().ok());
  EXPECT_TRUE(std::filesystem::exists(kubelet_->socket_path()));
}

TEST_F(EmulatorTest, MessageAboveFourMebibytesFailsTheStream) {
  auto plugin = StartRegisteredPlugin(MakeDevices(10));
  ASSERT_TRUE(WaitListed());
  // About 35 bytes per device: 150k devices is well past 4 MiB.
  v1beta1::ListAndWatchResponse huge = MakeDevices(150000, "device-with-long-id-");
  ASSERT_GT(huge.ByteSizeLong(), kKubeletMaxReceiveBytes);
  plugin->SetDevices(huge);
  auto view = kubelet_->WaitFor(
      kResource, [](const ResourceView& v) { return !v.stream_open; }, kWait);
  ASSERT_TRUE(view);
  EXPECT_THAT(view->stream_error, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_EQ(view->list_and_watch_updates, 1);
  EXPECT_EQ(view->devices.size(), 10u);
}

TEST_F(EmulatorTest, MessageJustBelowTheLimitIsAccepted) {
  v1beta1::ListAndWatchResponse big = MakeDevices(95000, "device-with-long-id-");
  ASSERT_LT(big.ByteSizeLong(), kKubeletMaxReceiveBytes);
  auto plugin = StartRegisteredPlugin(big);
  auto view = WaitListed();
  ASSERT_TRUE(view);
  EXPECT_EQ(view->devices.size(), 95000u);
  EXPECT_EQ(view->last_message_bytes, big.ByteSizeLong());
  EXPECT_EQ(view->stream_error, "");
}

TEST_F(EmulatorTest, CheckpointSurvivesANewEmulator) {
  auto plugin = StartRegisteredPlugin(MakeDevices(3));
  ASSERT_TRUE(WaitListed());
  ASSERT_TRUE(kubelet_->AdmitContainer(kResource, "ns/a", "c", 2).ok());
  kubelet_.reset();
  StartEmulator();
  EXPECT_THAT(kubelet_->CheckpointedIds(kResource), ElementsAre("d0", "d1"));
  kubelet_->RemovePod("ns/a");
  kubelet_.reset();
  StartEmulator();
  EXPECT_TRUE(kubelet_->CheckpointedIds(kResource).empty());
}

TEST_F(EmulatorTest, CorruptCheckpointFailsStartNamingTheFile) {
  kubelet_.reset();
  std::ofstream(dir_.path() + "/kubelet_internal_checkpoint") << "{not json";
  auto started = KubeletEmulator::Start({.plugin_dir = dir_.path()});
  EXPECT_EQ(started.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(started.status().message(), HasSubstr("kubelet_internal_checkpoint"));
}

// The stuck plugin never answers and the calls' deadline is an hour: destruction returns only
// because it cancels them (a destruction that waited would hang, and the test's timeout fails it).
TEST_F(EmulatorTest, DestructionWithAStuckPluginCancelsItsCalls) {
  kubelet_.reset();
  auto kubelet =
      KubeletEmulator::Start({.plugin_dir = dir_.path(), .rpc_timeout = std::chrono::hours(1)});
  ASSERT_TRUE(kubelet.ok()) << kubelet.status();
  kubelet_ = std::move(kubelet).value();
  FakeDevicePlugin plugin(dir_.path(), "stuck.sock");
  plugin.SetStuck(true);
  ASSERT_TRUE(RegisterWith(kubelet_->socket_path(), MakeRegisterRequest("stuck.sock", true)).ok());
  ASSERT_TRUE(kubelet_->WaitFor(
      kResource, [](const ResourceView& v) { return v.registrations == 1; }, kWait));
  kubelet_.reset();
}

TEST_F(EmulatorTest, SocketPathTooLongIsAClearError) {
  auto registered =
      RegisterWith(kubelet_->socket_path(), MakeRegisterRequest(std::string(120, 'a') + ".sock"));
  EXPECT_EQ(registered.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(registered.error_message(), HasSubstr("at most 107"));
}

}  // namespace
}  // namespace teedp::emulator::testing
