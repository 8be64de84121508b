#include "dra/resource_slices.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace teedp::dra {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

resources::DraDevice EpcOnNode0() {
  resources::DraDevice device;
  device.name = "epc-numa-0";
  device.attributes = {
      {"numaNode", int64_t{0}}, {"sgx2", true}, {"driver", std::string("in-kernel")}};
  device.capacity = {{"epc",
                      {.value = uint64_t{4} << 30,
                       .default_request = uint64_t{1} << 20,
                       .min = 4096,
                       .step = 4096}}};
  device.allow_multiple_allocations = true;
  return device;
}

const NodeIdentity kNode{"node-a", "6f1c2d3e-0000-4000-8000-000000000001"};

TEST(ResourceSlicesTest, OneSliceOwnedByTheNodeInThePoolNamedAfterIt) {
  resources::DraDriverDevices driver{.driver = "sgx.tee.dev", .devices = {EpcOnNode0()}};
  absl::StatusOr<std::vector<nlohmann::json>> slices = BuildResourceSlices(driver, kNode, 7);
  ASSERT_TRUE(slices.ok()) << slices.status();
  ASSERT_EQ(slices->size(), 1u);
  EXPECT_EQ((*slices)[0], nlohmann::json::parse(R"({
    "apiVersion": "resource.k8s.io/v1",
    "kind": "ResourceSlice",
    "metadata": {
      "name": "node-a-sgx.tee.dev-0",
      "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "node-a",
                           "uid": "6f1c2d3e-0000-4000-8000-000000000001", "controller": true}]
    },
    "spec": {
      "driver": "sgx.tee.dev",
      "pool": {"name": "node-a", "generation": 7, "resourceSliceCount": 1},
      "nodeName": "node-a",
      "devices": [{
        "name": "epc-numa-0",
        "attributes": {"driver": {"string": "in-kernel"}, "numaNode": {"int": 0},
                       "sgx2": {"bool": true}},
        "capacity": {"epc": {"value": "4Gi", "requestPolicy": {
          "default": "1Mi", "validRange": {"min": "4Ki", "step": "4Ki"}}}},
        "allowMultipleAllocations": true
      }]
    }
  })"));
}

TEST(ResourceSlicesTest, MoreThan128DevicesSpreadOverSlicesThatCountEachOther) {
  resources::DraDriverDevices driver{.driver = "guest.tee.dev", .devices = {}};
  for (int i = 0; i < 300; ++i) {
    driver.devices.push_back({.name = "d" + std::to_string(i),
                              .attributes = {},
                              .capacity = {},
                              .allow_multiple_allocations = false,
                              .edits = {}});
  }
  absl::StatusOr<std::vector<nlohmann::json>> slices = BuildResourceSlices(driver, kNode, 1);
  ASSERT_TRUE(slices.ok()) << slices.status();
  ASSERT_EQ(slices->size(), 3u);
  size_t listed = 0;
  for (size_t i = 0; i < 3; ++i) {
    const nlohmann::json& slice = (*slices)[i];
    EXPECT_EQ(slice["metadata"]["name"], "node-a-guest.tee.dev-" + std::to_string(i));
    EXPECT_EQ(slice["spec"]["pool"]["resourceSliceCount"], 3);
    EXPECT_LE(slice["spec"]["devices"].size(), kMaxDevicesPerSlice);
    EXPECT_EQ(slice["spec"]["devices"][0]["name"], "d" + std::to_string(listed));
    EXPECT_FALSE(slice["spec"]["devices"][0].contains("allowMultipleAllocations"));
    EXPECT_FALSE(slice["spec"]["devices"][0].contains("capacity"));
    listed += slice["spec"]["devices"].size();
  }
  EXPECT_EQ(listed, 300u);
}

TEST(ResourceSlicesTest, WithoutTheNodesUidThereIsNoOwnerReference) {
  resources::DraDriverDevices driver{.driver = "sgx.tee.dev", .devices = {EpcOnNode0()}};
  absl::StatusOr<std::vector<nlohmann::json>> slices =
      BuildResourceSlices(driver, {"node-a", ""}, 1);
  ASSERT_TRUE(slices.ok());
  EXPECT_EQ((*slices)[0]["metadata"], nlohmann::json({{"name", "node-a-sgx.tee.dev-0"}}));
}

TEST(ResourceSlicesTest, NoDeviceIsNoSlice) {
  absl::StatusOr<std::vector<nlohmann::json>> slices =
      BuildResourceSlices({.driver = "sgx.tee.dev", .devices = {}}, kNode, 1);
  ASSERT_TRUE(slices.ok());
  EXPECT_THAT(*slices, IsEmpty());
}

TEST(ResourceSlicesTest, ANodeNameThatCannotNameASliceIsRefusedByName) {
  resources::DraDriverDevices driver{.driver = "sgx.tee.dev", .devices = {EpcOnNode0()}};
  absl::StatusOr<std::vector<nlohmann::json>> bad =
      BuildResourceSlices(driver, {"Node_A", "uid"}, 1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("\"Node_A\""));
  const std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(60, 'd');
  absl::StatusOr<std::vector<nlohmann::json>> too_long =
      BuildResourceSlices(driver, {long_name, "uid"}, 1);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.status().message(), HasSubstr("longer than 253"));
}

}  // namespace
}  // namespace teedp::dra
