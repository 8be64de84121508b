#include "resources/device_list_size.h"

#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

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

// The figures the README quotes: the largest EPC listed whole at 1 MiB units.
TEST(DeviceListSizeTest, ReadmeFiguresForOneMibUnits) {
  EXPECT_EQ(LargestFittingSingleBlock(), 223278u);
  uint32_t per_node = 0;
  auto two_nodes = [](uint32_t n) { return std::vector<UnitBlock>{{0, 0, n}, {1, n, n}}; };
  while (EncodedDeviceListBytes(two_nodes(per_node + 1), true, false) <= kKubeletMaxMessageBytes) {
    ++per_node;
  }
  EXPECT_EQ(2 * per_node, 176762u);
}

}  // namespace
}  // namespace teedp::resources
