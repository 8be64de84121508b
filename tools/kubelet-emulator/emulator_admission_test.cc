// AdmitContainer as the kubelet's device manager does it, against a fake plugin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator_fixture.h"

namespace teedp::emulator::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST_F(EmulatorTest, AdmitsWithoutPreferredAllocationTakingTheFirstFree) {
  auto plugin = StartRegisteredPlugin(MakeDevices(4), /*preferred=*/false);
  ASSERT_TRUE(WaitListed());
  auto first = kubelet_->AdmitContainer(kResource, "ns/a", "c", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->device_ids, ElementsAre("d0", "d1"));
  EXPECT_FALSE(first->preferred_used);
  EXPECT_EQ(first->response.devices(0).host_path(), "/dev/sgx_enclave");
  EXPECT_THAT(plugin->preferred_requests(), IsEmpty());
  auto second = kubelet_->AdmitContainer(kResource, "ns/b", "c", 2);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->device_ids, ElementsAre("d2", "d3")) << "checkpointed IDs are not free";
  EXPECT_THAT(kubelet_->CheckpointedIds(kResource), ElementsAre("d0", "d1", "d2", "d3"));
}

TEST_F(EmulatorTest, AdmitsWithTheValidPreferredAnswer) {
  auto plugin = StartRegisteredPlugin(MakeDevices(4), /*preferred=*/true);
  ASSERT_TRUE(WaitListed());
  plugin->SetPreferred({"d3", "d1"});
  auto admitted = kubelet_->AdmitContainer(kResource, "ns/a", "c", 2);
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_TRUE(admitted->preferred_used);
  EXPECT_THAT(admitted->device_ids, ElementsAre("d3", "d1"));
  auto requests = plugin->preferred_requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& asked = requests[0].container_requests(0);
  EXPECT_EQ(asked.available_deviceids_size(), 4);
  EXPECT_THAT(asked.must_include_deviceids(), IsEmpty());
  EXPECT_EQ(asked.allocation_size(), 2);
  EXPECT_THAT(plugin->allocate_requests().back().container_requests(0).devices_ids(),
              ElementsAre("d3", "d1"));
}

TEST_F(EmulatorTest, IgnoresInvalidPreferredAnswers) {
  auto plugin = StartRegisteredPlugin(MakeDevices(4), /*preferred=*/true);
  ASSERT_TRUE(WaitListed());
  const std::vector<std::vector<std::string>> bad_answers = {
      {"d1"}, {"d1", "d1"}, {"d1", "zz"}, {"d0", "d1", "d2"}};
  int pod = 0;
  for (const auto& answer : bad_answers) {
    plugin->SetPreferred(answer);
    auto admitted = kubelet_->AdmitContainer(kResource, "ns/" + std::to_string(pod++), "c", 2);
    ASSERT_TRUE(admitted.ok()) << admitted.status();
    EXPECT_FALSE(admitted->preferred_used) << ::testing::PrintToString(answer);
    kubelet_->RemovePod("ns/" + std::to_string(pod - 1));
    EXPECT_THAT(admitted->device_ids, ElementsAre("d0", "d1"));
  }
}

TEST_F(EmulatorTest, SkipsUnhealthyAndReportsHowManyAreFree) {
  v1beta1::ListAndWatchResponse devices = MakeDevices(3);
  devices.mutable_devices(0)->set_health("Unhealthy");
  auto plugin = StartRegisteredPlugin(devices);
  ASSERT_TRUE(WaitListed());
  auto too_many = kubelet_->AdmitContainer(kResource, "ns/a", "c", 3);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(too_many.status().message(), HasSubstr("only 2 free"));
  auto ok = kubelet_->AdmitContainer(kResource, "ns/a", "c", 2);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_THAT(ok->device_ids, ElementsAre("d1", "d2"));
  EXPECT_EQ(kubelet_->AdmitContainer(kResource, "ns/a", "c", 1).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(EmulatorTest, RejectsAnAllocateResponseWithoutOneContainer) {
  auto plugin = StartRegisteredPlugin(MakeDevices(2));
  ASSERT_TRUE(WaitListed());
  for (int containers : {0, 2}) {
    plugin->SetAllocateContainers(containers);
    auto admitted = kubelet_->AdmitContainer(kResource, "ns/a", "c", 1);
    EXPECT_THAT(admitted.status().message(),
                HasSubstr("no containers return in allocation response"));
  }
  EXPECT_THAT(kubelet_->CheckpointedIds(kResource), IsEmpty());
}

TEST_F(EmulatorTest, AdmitNeedsARegisteredPlugin) {
  EXPECT_EQ(kubelet_->AdmitContainer(kResource, "ns/a", "c", 1).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace teedp::emulator::testing
