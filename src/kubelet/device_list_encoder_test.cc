#include "kubelet/device_list_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resources/device_list_size.h"

namespace teedp::kubelet {
namespace {

resources::ResourcePlan PlanOf(std::vector<resources::UnitBlock> blocks, bool has_topology,
                               bool healthy) {
  resources::ResourcePlan plan;
  plan.resource_name = "example.com/epc";
  plan.blocks = std::move(blocks);
  plan.has_topology = has_topology;
  plan.healthy = healthy;
  for (const resources::UnitBlock& block : plan.blocks) plan.unit_count += block.count;
  return plan;
}

TEST(DeviceListEncoderTest, EveryUnitWithHealthAndNumaNode) {
  v1beta1::ListAndWatchResponse list =
      BuildDeviceList(PlanOf({{0, 0, 50}, {1, 50, 50}}, /*has_topology=*/true, /*healthy=*/true));
  ASSERT_EQ(list.devices_size(), 100);
  EXPECT_EQ(list.devices(0).id(), "0");
  EXPECT_EQ(list.devices(99).id(), "2r");
  EXPECT_EQ(list.devices(0).health(), "Healthy");
  EXPECT_EQ(list.devices(49).topology().nodes(0).id(), 0);
  EXPECT_EQ(list.devices(50).topology().nodes(0).id(), 1);
  list = BuildDeviceList(PlanOf({{-1, 0, 100}}, /*has_topology=*/false, /*healthy=*/false));
  EXPECT_EQ(list.devices(0).health(), "Unhealthy");
  EXPECT_FALSE(list.devices(0).has_topology());
}

// The plan's size arithmetic (what keeps a list under the kubelet's 4 MiB) must be exactly what
// protobuf encodes, for every shape of list up to the largest the plan would ever send; and the
// slice the streams send must be protobuf's serialization of that list.
TEST(DeviceListEncoderTest, PlannedSizeIsProtobufsSizeUpToTheLargestLists) {
  struct Case {
    std::vector<resources::UnitBlock> blocks;
    bool has_topology;
  };
  // Larger than any list that fits: FitBlocks trims them to the largest the kubelet accepts.
  auto largest = [](std::vector<resources::UnitBlock> full, bool has_topology) {
    return Case{resources::FitBlocks(full, has_topology), has_topology};
  };
  const std::vector<Case> cases = {
      {{{-1, 0, 1}}, false},
      {{{-1, 0, 47000}}, false},  // IDs of one to four characters
      {{{0, 0, 1300}, {1, 1300, 1300}}, true},
      {{{0, 0, 10}, {3, 10, 10}, {200, 20, 50000}}, true},  // NUMA IDs needing two varint bytes
      largest({{-1, 0, 1u << 20}}, false),
      largest({{0, 0, 1u << 19}, {1, 1u << 19, 1u << 19}}, true),
      largest({{0, 0, 1u << 18}, {130, 1u << 18, 1u << 18}, {300, 1u << 19, 1u << 18}}, true),
  };
  for (const Case& c : cases) {
    for (bool healthy : {true, false}) {
      resources::ResourcePlan plan = PlanOf(c.blocks, c.has_topology, healthy);
      const uint64_t planned = resources::EncodedDeviceListBytes(c.blocks, c.has_topology, healthy);
      const v1beta1::ListAndWatchResponse list = BuildDeviceList(plan);
      EXPECT_EQ(planned, list.ByteSizeLong()) << plan.unit_count << " units, healthy=" << healthy;
      EXPECT_LE(planned, resources::kKubeletMaxMessageBytes) << plan.unit_count << " units";
      const grpc::Slice slice = SerializeDeviceList(plan);
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(slice.begin()), slice.size()),
                list.SerializeAsString())
          << plan.unit_count << " units, healthy=" << healthy;
    }
  }
}

}  // namespace
}  // namespace teedp::kubelet
