#include "resources/device_list_size.h"

#include <gtest/gtest.h>

#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/device_id.h"

namespace teedp::resources {
namespace {

// The message the kubelet would receive for these blocks, built with protobuf itself: the
// independent oracle for every size below (the implementation computes sizes without encoding).
void AddDevices(const std::vector<UnitBlock>& blocks, bool has_topology, bool healthy,
                v1beta1::ListAndWatchResponse* response) {
  for (const UnitBlock& block : blocks) {
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      v1beta1::Device* device = response->add_devices();
      device->set_id(DeviceId(index));
      device->set_health(healthy ? "Healthy" : "Unhealthy");
      if (has_topology) device->mutable_topology()->add_nodes()->set_id(block.numa_node);
    }
  }
}

uint64_t ProtobufBytes(const std::vector<UnitBlock>& blocks, bool has_topology, bool healthy) {
  v1beta1::ListAndWatchResponse response;
  AddDevices(blocks, has_topology, healthy, &response);
  return response.ByteSizeLong();
}

// Whether `blocks` is the largest list that fits, by protobuf's count: it fits, and one more
// unit in the last block does not.
void ExpectLargestFitting(const std::vector<UnitBlock>& blocks, bool has_topology) {
  v1beta1::ListAndWatchResponse response;
  AddDevices(blocks, has_topology, /*healthy=*/false, &response);
  EXPECT_LE(response.ByteSizeLong(), kKubeletMaxMessageBytes);
  const UnitBlock& last = blocks.back();
  AddDevices({{last.numa_node, last.first + last.count, 1}}, has_topology, false, &response);
  EXPECT_GT(response.ByteSizeLong(), kKubeletMaxMessageBytes);
}

uint64_t Units(const std::vector<UnitBlock>& blocks) {
  uint64_t total = 0;
  for (const UnitBlock& block : blocks) total += block.count;
  return total;
}

// The largest single-block, topology-free count whose list fits, found by brute force.
uint32_t LargestFittingSingleBlock() {
  uint32_t count = 0;
  while (EncodedDeviceListBytes({{-1, 0, count + 1}}, false, false) <= kKubeletMaxMessageBytes) {
    count += 1;
  }
  return count;
}

TEST(DeviceListSizeTest, HandComputedSmallLists) {
  // One device "0", Healthy, no topology: field(2 + 1 + 2 + 7) = 1 + 1 + 12.
  EXPECT_EQ(EncodedDeviceListBytes({{-1, 0, 1}}, false, true), 14u);
  EXPECT_EQ(EncodedDeviceListBytes({{-1, 0, 1}}, false, false), 16u);
  // NUMA node 0 leaves NUMANode.ID out: topology costs 4 bytes; node 1 costs 6.
  EXPECT_EQ(EncodedDeviceListBytes({{0, 0, 1}}, true, true), 18u);
  EXPECT_EQ(EncodedDeviceListBytes({{1, 0, 1}}, true, true), 20u);
  // IDs "10".."zz" are two characters.
  EXPECT_EQ(EncodedDeviceListBytes({{-1, 36, 1}}, false, true), 15u);
}

TEST(DeviceListSizeTest, MatchesProtobufAcrossIdLengthsTopologyAndHealth) {
  // IDs from one to four characters (36, 1296 and 46656 are where lengths change), NUMA node 0
  // (its ID left out) and larger ones.
  const std::vector<std::vector<UnitBlock>> cases = {
      {{-1, 0, 1}},
      {{0, 0, 40}, {1, 40, 1300}},
      {{3, 1200, 200}, {300, 46600, 100}},
  };
  for (const auto& blocks : cases) {
    for (bool topology : {false, true}) {
      for (bool healthy : {false, true}) {
        EXPECT_EQ(EncodedDeviceListBytes(blocks, topology, healthy),
                  ProtobufBytes(blocks, topology, healthy))
            << "blocks " << blocks.size() << " topology " << topology << " healthy " << healthy;
      }
    }
  }
}

TEST(DeviceListSizeTest, FitBlocksKeepsAListThatFits) {
  std::vector<UnitBlock> blocks = {{0, 0, 4096}, {1, 4096, 4096}};
  EXPECT_EQ(FitBlocks(blocks, true), blocks);
}

TEST(DeviceListSizeTest, BoundaryLargestThatFitsAndOneMore) {
  uint32_t largest = LargestFittingSingleBlock();
  EXPECT_GT(largest, 200000u);
  std::vector<UnitBlock> exact = {{-1, 0, largest}};
  EXPECT_EQ(FitBlocks(exact, false), exact) << "the largest list that fits is sent whole";
  std::vector<UnitBlock> one_more = {{-1, 0, largest + 1}};
  EXPECT_GT(EncodedDeviceListBytes(one_more, false, false), kKubeletMaxMessageBytes);
  EXPECT_EQ(FitBlocks(one_more, false), exact) << "one unit more is cut back to the largest";
}

TEST(DeviceListSizeTest, FitBlocksTrimsEveryNodeInProportion) {
  std::vector<UnitBlock> full = {{0, 0, 262144}, {1, 262144, 262144}};
  std::vector<UnitBlock> fitted = FitBlocks(full, true);
  ASSERT_EQ(fitted.size(), 2u);
  EXPECT_LE(EncodedDeviceListBytes(fitted, true, false), kKubeletMaxMessageBytes);
  EXPECT_NEAR(fitted[0].count, fitted[1].count, 1.0);
  EXPECT_EQ(fitted[1].first, fitted[0].count) << "indices stay contiguous";
  std::vector<UnitBlock> bigger = fitted;
  bigger[1].count += 1;
  EXPECT_GT(EncodedDeviceListBytes(bigger, true, false), kKubeletMaxMessageBytes)
      << "nothing more would have fitted";
  EXPECT_LT(Units(fitted), Units(full));
}

TEST(DeviceListSizeTest, UnhealthyListsMustFitToo) {
  uint32_t largest = LargestFittingSingleBlock();
  // Healthy would allow more, but a health change must not push the list over the limit.
  EXPECT_LT(EncodedDeviceListBytes({{-1, 0, largest + 1000}}, false, true),
            kKubeletMaxMessageBytes);
  EXPECT_EQ(Units(FitBlocks({{-1, 0, largest + 1000}}, false)), largest);
}

}  // namespace
}  // namespace teedp::resources

namespace teedp::resources {
namespace {

// The figures the README quotes, the largest EPC listed whole at 1 MiB units, checked against
// protobuf's own count of the message, not against the implementation's.
TEST(DeviceListSizeTest, ReadmeFiguresForOneMibUnits) {
  constexpr uint32_t kSingleBlock = 223278;  // no topology
  ExpectLargestFitting({{-1, 0, kSingleBlock}}, false);
  EXPECT_EQ(LargestFittingSingleBlock(), kSingleBlock);
  constexpr uint32_t kPerNode = 176762 / 2;  // two NUMA nodes, evenly split
  ExpectLargestFitting({{0, 0, kPerNode}, {1, kPerNode, kPerNode}}, true);
  EXPECT_EQ(FitBlocks({{0, 0, 200000}, {1, 200000, 200000}}, true),
            (std::vector<UnitBlock>{{0, 0, kPerNode}, {1, kPerNode, kPerNode}}));
}

}  // namespace
}  // namespace teedp::resources
