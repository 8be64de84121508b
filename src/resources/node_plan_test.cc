#include "resources/node_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resources/cdi_spec.h"

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

hw::Inventory InKernelTdxGuest() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.epc_bytes = 64 * kMiB;
  inventory.guest_devices = {{hw::GuestTee::kTdx, "/dev/tdx_guest"},
                             {hw::GuestTee::kTpm, "/dev/tpmrm0"}};
  return inventory;
}

std::vector<std::string> Names(const NodePlan& node) {
  std::vector<std::string> names;
  for (const ResourcePlan& plan : node.resources) names.push_back(plan.resource_name);
  return names;
}

TEST(PlanNodeTest, PlansTheProfileAndTheGuestsTheNodeHas) {
  absl::StatusOr<NodePlan> node = PlanNode({}, InKernelTdxGuest());
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_THAT(Names(*node), ElementsAre("kubernetes.azure.com/sgx_epc_mem_in_MiB", "intel.com/tdx",
                                        "tee.dev/tpm"));
  EXPECT_THAT(node->guests, ElementsAre(hw::GuestTee::kTdx, hw::GuestTee::kTpm));
  EXPECT_EQ(node->resources[0].unit_count, 64u);
  EXPECT_TRUE(std::holds_alternative<EpcUnits>(node->resources[0].kind));
  EXPECT_EQ(node->resources[1].kind, ResourceKind(SharedSlots{"/dev/tdx_guest"}));
  EXPECT_EQ(node->resources[0].cdi_device, "") << "CDI is off by default";
}

TEST(PlanNodeTest, CdiNamesEveryResource) {
  NodeConfig config;
  config.cdi = true;
  absl::StatusOr<NodePlan> node = PlanNode(config, InKernelTdxGuest());
  ASSERT_TRUE(node.ok()) << node.status();
  for (const ResourcePlan& plan : node->resources) {
    EXPECT_EQ(plan.cdi_device, QualifiedCdiName(plan.resource_name));
  }
}

TEST(PlanNodeTest, TwoResourcesWithOneNameAreRefused) {
  NodeConfig config;
  config.profile.guest_resource_names.emplace(
      hw::GuestTee::kTdx, ResourceName::BuiltIn("kubernetes.azure.com/sgx_epc_mem_in_MiB"));
  absl::StatusOr<NodePlan> node = PlanNode(config, InKernelTdxGuest());
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(node.status().message(),
              HasSubstr("two resources are named kubernetes.azure.com/sgx_epc_mem_in_MiB"));
  config.guests = std::vector<hw::GuestTee>{hw::GuestTee::kTpm};
  EXPECT_TRUE(PlanNode(config, InKernelTdxGuest()).ok()) << "without TDX there is no clash";
}

// serve refused these before planning reached resources/, detect did not: now both ask PlanNode.
TEST(PlanNodeTest, NamesThatEndAlikeAreRefusedForTheirSocket) {
  NodeConfig config;
  config.profile.guest_resource_names.emplace(hw::GuestTee::kTdx,
                                              ResourceName::Parse("a.example.com/attest").value());
  config.profile.guest_resource_names.emplace(hw::GuestTee::kTpm,
                                              ResourceName::Parse("b.example.com/attest").value());
  absl::StatusOr<NodePlan> node = PlanNode(config, InKernelTdxGuest());
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(node.status().message(),
              HasSubstr("two resources would share the socket attest.sock"));
  EXPECT_THAT(node.status().message(), HasSubstr("b.example.com/attest"));
  EXPECT_TRUE(PlanNode(config, hw::Inventory{}).ok()) << "no guests here, so no clash";
}

TEST(PlanNodeTest, PinnedGuestsKeepAResourceWhoseDeviceWentAway) {
  NodeConfig config;
  absl::StatusOr<NodePlan> start = PlanNode(config, InKernelTdxGuest());
  ASSERT_TRUE(start.ok());
  config.guests = start->guests;
  hw::Inventory later = InKernelTdxGuest();
  later.guest_devices.erase(later.guest_devices.begin());  // the TDX guest device is gone
  absl::StatusOr<NodePlan> node = PlanNode(config, later);
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(Names(*node), Names(*start));
  EXPECT_FALSE(node->resources[1].healthy);
  EXPECT_THAT(node->resources[1].health_reason, HasSubstr("tdx"));
  EXPECT_TRUE(node->resources[2].healthy);
  EXPECT_EQ(PlanNode({}, later)->resources.size(), 2u)
      << "unpinned, the TDX resource is not planned";
}

TEST(PlanNodeTest, EqualInputsGiveEqualPlansAndAnyChangeShows) {
  EXPECT_EQ(PlanNode({}, InKernelTdxGuest()).value(), PlanNode({}, InKernelTdxGuest()).value());
  hw::Inventory unusable = InKernelTdxGuest();
  unusable.problems = {"SGX is disabled"};
  hw::Inventory other_problem = unusable;
  other_problem.problems = {"no /dev/sgx_enclave"};
  EXPECT_NE(PlanNode({}, unusable).value(), PlanNode({}, other_problem).value())
      << "the health reason alone differs";
}

}  // namespace
}  // namespace teedp::resources
