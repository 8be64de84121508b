#include "resources/epc_units_planner.h"

#include <gtest/gtest.h>

#include <limits>

#include "resources/device_list_size.h"

namespace teedp::resources {
namespace {

// A usable in-kernel host; tests change what they are about.
hw::Inventory UsableInventory(uint64_t epc_bytes) {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.epc_bytes = epc_bytes;
  return inventory;
}

TEST(PlanEpcUnitsTest, DropsThePartialUnitOfAClientPart) {
  hw::Inventory inventory = UsableInventory(93 * kMiB + kMiB / 2);
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.resource_name, kDefaultEpcResource);
  EXPECT_EQ(std::get<EpcUnits>(plan.kind).unit_bytes, kMiB);
  EXPECT_EQ(plan.unit_count, 93u);
  EXPECT_FALSE(plan.has_topology);
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{-1, 0, 93}}));
  EXPECT_TRUE(plan.healthy);
  EXPECT_EQ(plan.health_reason, "");
  EXPECT_EQ(plan.NumaNodeOf(0), -1);
  EXPECT_EQ(plan.NumaNodeOf(92), -1);
}

TEST(PlanEpcUnitsTest, OneBlockPerNumaNode) {
  hw::Inventory inventory = UsableInventory(8 * kGiB);
  inventory.numa_epc = {{0, 4 * kGiB}, {1, 4 * kGiB}};
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.unit_count, 8192u);
  EXPECT_TRUE(plan.has_topology);
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{0, 0, 4096}, {1, 4096, 4096}}));
  EXPECT_EQ(plan.NumaNodeOf(0), 0);
  EXPECT_EQ(plan.NumaNodeOf(4095), 0);
  EXPECT_EQ(plan.NumaNodeOf(4096), 1);
  EXPECT_EQ(plan.NumaNodeOf(8191), 1);
}

TEST(PlanEpcUnitsTest, NumaNodesWithoutWholeUnitsGetNoBlock) {
  hw::Inventory inventory = UsableInventory(0);
  inventory.numa_epc = {{0, 3 * kMiB + 1}, {2, kMiB - 1}, {3, 0}, {5, 2 * kMiB}};
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{0, 0, 3}, {5, 3, 2}}));
  EXPECT_EQ(plan.unit_count, 5u);
  EXPECT_EQ(plan.NumaNodeOf(2), 0);
  EXPECT_EQ(plan.NumaNodeOf(3), 5);
}

TEST(PlanEpcUnitsTest, UnsortedOrRepeatedNodesStillGiveAscendingBlocks) {
  hw::Inventory inventory = UsableInventory(0);
  inventory.numa_epc = {{1, 2 * kMiB}, {0, kMiB}, {1, kMiB}};
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{0, 0, 1}, {1, 1, 3}}));
}

TEST(PlanEpcUnitsTest, LargerUnits) {
  hw::Inventory inventory = UsableInventory(8 * kGiB);
  inventory.numa_epc = {{0, 4 * kGiB}, {1, 4 * kGiB}};
  ResourcePlan plan = PlanKind(inventory, {ResourceName::Parse("example.com/epc_gib").value(),
                                           EpcUnitSize::FromBytes(kGiB).value()});
  EXPECT_EQ(plan.resource_name, "example.com/epc_gib");
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{0, 0, 4}, {1, 4, 4}}));
}

TEST(PlanEpcUnitsTest, ZeroEpcIsUnhealthyWithAReason) {
  ResourcePlan plan = PlanKind(UsableInventory(kMiB - 1), {});
  EXPECT_EQ(plan.unit_count, 0u);
  EXPECT_TRUE(plan.blocks.empty());
  EXPECT_FALSE(plan.healthy);
  EXPECT_EQ(plan.health_reason, "no EPC");
}

TEST(PlanEpcUnitsTest, UnusableSgxGivesTheFirstProblem) {
  hw::Inventory inventory = UsableInventory(64 * kMiB);
  inventory.problems = {"SGX is disabled in BIOS", "no SGX driver"};
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.unit_count, 64u);  // still advertised, as Unhealthy
  EXPECT_FALSE(plan.healthy);
  EXPECT_EQ(plan.health_reason, "SGX is disabled in BIOS");
}

TEST(PlanEpcUnitsTest, ClampsToUint32UnitsThenToTheKubeletLimit) {
  hw::Inventory inventory = UsableInventory(0);
  // 2^52 bytes per node: 2^32 units each, more than 32-bit IDs can name.
  inventory.numa_epc = {{0, uint64_t{1} << 52}, {1, uint64_t{1} << 52}};
  ResourcePlan plan = PlanKind(inventory, {});
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
  EXPECT_EQ(plan.units_on_node, kMax);
  EXPECT_TRUE(plan.capped());
  EXPECT_EQ(plan.blocks.size(), 1u) << "node 1 got no unit within 32-bit IDs";
  EXPECT_LE(EncodedDeviceListBytes(plan.blocks, plan.has_topology, false), kKubeletMaxMessageBytes);
  EXPECT_EQ(std::get<EpcUnits>(plan.kind).smallest_fitting_unit_bytes, 0u)
      << "not even 1 GiB units fit 8 PiB";

  inventory.numa_epc.clear();
  inventory.epc_bytes = std::numeric_limits<uint64_t>::max();
  plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.units_on_node, kMax);
  EXPECT_GT(plan.unit_count, 200000u);
}

TEST(PlanEpcUnitsTest, CarriesTheContainerEdits) {
  hw::Inventory inventory = UsableInventory(kGiB);
  inventory.aesmd_socket_dir = true;
  ResourcePlan plan = PlanKind(inventory, {});
  EXPECT_EQ(plan.container_edits, PlanContainerEdits(inventory));
  EXPECT_FALSE(plan.container_edits.devices.empty());
}

TEST(ResourcePlanTest, NumaNodeOfWithManyBlocks) {
  ResourcePlan plan;
  for (uint32_t i = 0; i < 8; ++i) plan.blocks.push_back({static_cast<int>(i), i * 10, 10});
  plan.unit_count = 80;
  for (uint32_t index = 0; index < 80; ++index) {
    EXPECT_EQ(plan.NumaNodeOf(index), static_cast<int>(index / 10)) << index;
  }
}

}  // namespace
}  // namespace teedp::resources
