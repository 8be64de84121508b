// Allocate and GetPreferredAllocation through the real binary: good and bad requests, device
// specs and mounts, NUMA-aware preferred allocation, and very large requests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::set<std::pair<std::string, std::string>> DeviceSpecs(
    const v1beta1::ContainerAllocateResponse& response) {
  std::set<std::pair<std::string, std::string>> specs;
  for (const auto& device : response.devices()) {
    EXPECT_EQ(device.permissions(), "rw") << device.container_path();
    specs.insert({device.container_path(), device.host_path()});
  }
  return specs;
}

TEST(AllocateTest, InKernelDriverGetsFlatNodesPlusDcapAliasesWithHostPaths) {
  NodeHarness node("numa=1GiB driver=in-kernel");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  auto response =
      node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 10)}));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->container_responses_size(), 1);
  const auto& container = response->container_responses(0);
  // host_path is the host's own path: never prefixed with --host-root.
  EXPECT_EQ(DeviceSpecs(container), (std::set<std::pair<std::string, std::string>>{
                                        {"/dev/sgx_enclave", "/dev/sgx_enclave"},
                                        {"/dev/sgx_provision", "/dev/sgx_provision"},
                                        {"/dev/sgx/enclave", "/dev/sgx_enclave"},
                                        {"/dev/sgx/provision", "/dev/sgx_provision"}}));
  EXPECT_EQ(container.mounts_size(), 0);
  EXPECT_TRUE(container.envs().empty());
}

TEST(AllocateTest, DcapDriverGetsItsOwnNodes) {
  NodeHarness node("numa=1GiB driver=dcap");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  auto response =
      node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 1)}));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(
      DeviceSpecs(response->container_responses(0)),
      (std::set<std::pair<std::string, std::string>>{
          {"/dev/sgx/enclave", "/dev/sgx/enclave"}, {"/dev/sgx/provision", "/dev/sgx/provision"}}));
}

TEST(AllocateTest, AesmdSocketDirectoryIsMountedWithItsEnvironment) {
  NodeHarness node("numa=1GiB aesmd=on");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  auto response =
      node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 2)}));
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& container = response->container_responses(0);
  ASSERT_EQ(container.mounts_size(), 1);
  EXPECT_EQ(container.mounts(0).container_path(), "/var/run/aesmd");
  EXPECT_EQ(container.mounts(0).host_path(), "/var/run/aesmd");
  EXPECT_EQ(container.envs().at("SGX_AESM_ADDR"), "1");
}

TEST(AllocateTest, OneResponsePerContainerRequest) {
  NodeHarness node("numa=1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  auto ids = HealthyIds(*view, 30);
  auto response = node.kubelet().Allocate(kEpcResource,
                                          MakeAllocateRequest({{ids.begin(), ids.begin() + 10},
                                                               {ids.begin() + 10, ids.begin() + 20},
                                                               {ids.begin() + 20, ids.end()}}));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->container_responses_size(), 3);
}

TEST(AllocateTest, BadIdsAreInvalidArgumentNamingTheId) {
  NodeHarness node("numa=1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::string good = HealthyIds(*view, 1)[0];
  struct Case {
    std::vector<std::string> ids;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{good, "no-such-device"}, "no-such-device"},
      {{good, good}, "duplicate"},
      {{"zzzz"}, "zzzz"},  // beyond the last unit
      {{""}, "\"\""},
      {{std::string(100000, 'x')}, "..."},
      {{std::string("\xff\xfe", 2)}, "\\xff"},
  };
  for (const Case& c : cases) {
    auto response = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({c.ids}));
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(response.status().message()), HasSubstr(c.expected));
    EXPECT_LT(response.status().message().size(), 300u) << "messages stay short";
  }
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(AllocateTest, PreferredAllocationFillsFromOneNumaNode) {
  NodeHarness node("numa=1GiB,1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::map<std::string, int64_t> numa_of;
  v1beta1::PreferredAllocationRequest request;
  auto* container = request.add_container_requests();
  for (const auto& device : view->devices) {
    numa_of[device.id] = device.numa_nodes.at(0);
    container->add_available_deviceids(device.id);
  }
  container->set_allocation_size(10);
  auto response = node.kubelet().GetPreferredAllocation(kEpcResource, request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->container_responses_size(), 1);
  const auto& chosen = response->container_responses(0).deviceids();
  ASSERT_EQ(chosen.size(), 10);
  std::set<int64_t> nodes;
  for (const auto& id : chosen) nodes.insert(numa_of.at(id));
  EXPECT_EQ(nodes.size(), 1u) << "a request that fits one node stays on one node";

  // must_include is honoured even when it sits on the other node.
  std::string must = view->devices.back().id;
  container->add_must_include_deviceids(must);
  response = node.kubelet().GetPreferredAllocation(kEpcResource, request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(response->container_responses(0).deviceids(), ::testing::Contains(must));
}

TEST(AllocateTest, PodsAdmittedLikeTheKubeletGetNumaLocalUnits) {
  NodeHarness node("numa=4GiB,4GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  auto admitted = node.kubelet().AdmitContainer(kEpcResource, "default/app", "main", 10);
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->device_ids.size(), 10u);
  // A request larger than one node spreads over both.
  auto big = node.kubelet().AdmitContainer(kEpcResource, "default/big", "main", 6000);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->device_ids.size(), 6000u);
}

TEST(AllocateTest, HundredThousandIdsInOneAllocate) {
  NodeHarness node("numa=64GiB,64GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  ASSERT_EQ(view->devices.size(), 131072u);
  auto ids = HealthyIds(*view, 102400);
  auto response = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({ids}));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->container_responses_size(), 1);
}

}  // namespace
}  // namespace teedp::testing
