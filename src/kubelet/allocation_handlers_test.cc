#include "kubelet/allocation_handlers.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace teedp::kubelet
