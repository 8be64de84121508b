#include "kubelet/allocation_handlers.h"

#include <gtest/gtest.h>

#include "kubelet/device_list_encoder.h"
#include "resources/device_list_size.h"

namespace teedp::kubelet {
namespace {

resources::ResourcePlan TwoNodePlan() {
  resources::ResourcePlan plan;
  plan.resource_name = "example.com/epc";
  plan.unit_count = 100;
  plan.blocks = {{0, 0, 50}, {1, 50, 50}};
  plan.has_topology = true;
  plan.healthy = true;
  plan.container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  plan.container_edits.mounts = {{"/var/run/aesmd", "/var/run/aesmd", false}};
  plan.container_edits.envs = {{"SGX_AESM_ADDR", "1"}};
  return plan;
}

TEST(AllocationHandlersTest, AllocateFillsOneResponsePerContainer) {
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("0");
  request.add_container_requests()->add_devices_ids("1");
  v1beta1::AllocateResponse response;
  ASSERT_TRUE(HandleAllocate(TwoNodePlan(), request, &response).ok());
  ASSERT_EQ(response.container_responses_size(), 2);
  const auto& container = response.container_responses(1);
  ASSERT_EQ(container.devices_size(), 1);
  EXPECT_EQ(container.devices(0).permissions(), "rw");
  EXPECT_EQ(container.mounts(0).host_path(), "/var/run/aesmd");
  EXPECT_EQ(container.envs().at("SGX_AESM_ADDR"), "1");
}

TEST(AllocationHandlersTest, AllocateErrorsNameTheContainerRequest) {
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("0");
  request.add_container_requests()->add_devices_ids("2s");  // 100 in base 36: out of range
  v1beta1::AllocateResponse response;
  absl::Status status = HandleAllocate(TwoNodePlan(), request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("container request 1"), std::string::npos) << status;
  EXPECT_NE(status.message().find("2s"), std::string::npos) << status;
}

TEST(AllocationHandlersTest, AllocateWithoutContainersIsInvalid) {
  v1beta1::AllocateResponse response;
  EXPECT_EQ(HandleAllocate(TwoNodePlan(), {}, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AllocationHandlersTest, PreferredAllocationAnswersEachContainer) {
  v1beta1::PreferredAllocationRequest request;
  for (int c = 0; c < 2; ++c) {
    auto* container = request.add_container_requests();
    for (const char* id : {"1", "2", "3", "1e", "1f"}) container->add_available_deviceids(id);
    container->set_allocation_size(2);
  }
  v1beta1::PreferredAllocationResponse response;
  ASSERT_TRUE(HandlePreferredAllocation(TwoNodePlan(), request, &response).ok());
  ASSERT_EQ(response.container_responses_size(), 2);
  EXPECT_EQ(response.container_responses(0).deviceids_size(), 2);
}

TEST(DeviceListEncoderTest, EveryUnitWithHealthAndNumaNode) {
  resources::ResourcePlan plan = TwoNodePlan();
  v1beta1::ListAndWatchResponse list = EncodeDeviceList(plan);
  ASSERT_EQ(list.devices_size(), 100);
  EXPECT_EQ(list.devices(0).id(), "0");
  EXPECT_EQ(list.devices(99).id(), "2r");
  EXPECT_EQ(list.devices(49).topology().nodes(0).id(), 0);
  EXPECT_EQ(list.devices(50).topology().nodes(0).id(), 1);
  plan.healthy = false;
  plan.has_topology = false;
  list = EncodeDeviceList(plan);
  EXPECT_EQ(list.devices(0).health(), "Unhealthy");
  EXPECT_FALSE(list.devices(0).has_topology());
}

}  // namespace
}  // namespace teedp::kubelet

namespace teedp::kubelet {
namespace {

// The plan's own size arithmetic must match what protobuf really encodes, byte for byte.
TEST(DeviceListEncoderTest, PlannedSizeMatchesTheEncodingExactly) {
  struct Case {
    std::vector<resources::UnitBlock> blocks;
    bool has_topology;
  };
  std::vector<Case> cases = {
      {{{-1, 0, 1}}, false},
      {{{-1, 0, 47000}}, false},  // IDs of one to four characters
      {{{0, 0, 1300}, {1, 1300, 1300}}, true},
      {{{0, 0, 10}, {3, 10, 10}, {200, 20, 50000}}, true},  // NUMA IDs needing two varint bytes
  };
  for (const Case& c : cases) {
    for (bool healthy : {true, false}) {
      resources::ResourcePlan plan;
      plan.blocks = c.blocks;
      plan.has_topology = c.has_topology;
      plan.healthy = healthy;
      for (const auto& block : c.blocks) plan.unit_count += block.count;
      std::string bytes = EncodeDeviceListBytes(plan);
      EXPECT_EQ(bytes.size(), resources::EncodedDeviceListBytes(c.blocks, c.has_topology, healthy))
          << plan.unit_count << " units, healthy=" << healthy;
      // Byte for byte what protobuf itself serializes for the same list.
      EXPECT_EQ(bytes, EncodeDeviceList(plan).SerializeAsString())
          << plan.unit_count << " units, healthy=" << healthy;
    }
  }
}

}  // namespace
}  // namespace teedp::kubelet
