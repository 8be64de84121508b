#include "admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::emulator {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

v1beta1::PreferredAllocationResponse Answer(const std::vector<std::string>& ids) {
  v1beta1::PreferredAllocationResponse response;
  response.add_container_responses()->mutable_deviceids()->Assign(ids.begin(), ids.end());
  return response;
}

TEST(AdmissionTest, FreeHealthyIdsKeepListOrder) {
  std::vector<DeviceView> devices = {{"a", "Healthy", {}},
                                     {"b", "Unhealthy", {}},
                                     {"c", "Healthy", {}},
                                     {"d", "healthy", {}},
                                     {"e", "Healthy", {}}};
  EXPECT_THAT(FreeHealthyIds(devices, {"c"}), ElementsAre("a", "e"));
}

TEST(AdmissionTest, NumaNodesOfTheAdmittedIdsOnly) {
  std::vector<DeviceView> devices = {
      {"a", "Healthy", {0}}, {"b", "Healthy", {1}}, {"c", "Healthy", {}}, {"d", "Healthy", {0, 1}}};
  const auto nodes = NumaNodesOf(devices, {"d", "a", "c"});
  EXPECT_EQ(nodes, (std::map<std::string, std::vector<int64_t>>{{"a", {0}}, {"d", {0, 1}}}));
}

TEST(AdmissionTest, PreferredAnswerMustBeExactlyRight) {
  const std::vector<std::string> available = {"a", "b", "c"};
  EXPECT_THAT(UsablePreferredIds(Answer({"c", "a"}), available, 2),
              Optional(ElementsAre("c", "a")));
  EXPECT_FALSE(UsablePreferredIds(Answer({"a"}), available, 2));
  EXPECT_FALSE(UsablePreferredIds(Answer({"a", "a"}), available, 2));
  EXPECT_FALSE(UsablePreferredIds(Answer({"a", "z"}), available, 2));
  EXPECT_FALSE(UsablePreferredIds(v1beta1::PreferredAllocationResponse(), available, 2));
}

TEST(AdmissionTest, RequestsCarryOneContainer) {
  auto preferred = MakePreferredRequest({"a", "b"}, 1);
  ASSERT_EQ(preferred.container_requests_size(), 1);
  EXPECT_EQ(preferred.container_requests(0).allocation_size(), 1);
  EXPECT_EQ(preferred.container_requests(0).must_include_deviceids_size(), 0);
  auto allocate = MakeSingleContainerRequest({"a"});
  ASSERT_EQ(allocate.container_requests_size(), 1);
  EXPECT_THAT(allocate.container_requests(0).devices_ids(), ElementsAre("a"));
  v1beta1::AllocateResponse response;
  EXPECT_FALSE(CheckSingleContainerResponse(response).ok());
  response.add_container_responses();
  EXPECT_TRUE(CheckSingleContainerResponse(response).ok());
}

}  // namespace
}  // namespace teedp::emulator
