#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>

#include "resources/unit_selection.h"

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// A plan with one block of `sizes[i]` units on NUMA node i.
ResourcePlan NodesPlan(std::vector<uint32_t> sizes) {
  ResourcePlan plan;
  plan.has_topology = true;
  plan.healthy = true;
  for (size_t node = 0; node < sizes.size(); ++node) {
    plan.blocks.push_back({static_cast<int>(node), plan.unit_count, sizes[node]});
    plan.unit_count += sizes[node];
  }
  return plan;
}

UnitSelection Units(const ResourcePlan& plan, std::vector<std::pair<uint32_t, uint32_t>> ranges) {
  UnitSelection selection(plan.unit_count);
  for (auto [first, end] : ranges) {
    for (uint32_t i = first; i < end; ++i) selection.AddIndex(i);
  }
  return selection;
}

std::vector<uint32_t> Range(uint32_t first, uint32_t end) {
  std::vector<uint32_t> out(end - first);
  std::iota(out.begin(), out.end(), first);
  return out;
}

std::vector<uint32_t> Concat(std::vector<uint32_t> a, const std::vector<uint32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(PreferUnitsTest, MustIncludeComesFirstThenItsNode) {
  ResourcePlan plan = NodesPlan({50, 50});
  UnitSelection available = Units(plan, {{0, 100}});
  UnitSelection must = Units(plan, {{1, 3}});
  EXPECT_THAT(*PreferUnits(plan, available, must, 5), ElementsAre(0u, 1u, 2u, 3u, 4u));
  EXPECT_THAT(*PreferUnits(plan, available, must, 2), ElementsAre(1u, 2u));
}

TEST(PreferUnitsTest, SingleNodeWithMostFreeUnits) {
  ResourcePlan plan = NodesPlan({50, 50});
  UnitSelection available = Units(plan, {{0, 10}, {50, 70}});
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(100), 5),
              ElementsAreArray(Range(50, 55)));
  // Even a request that needs every free unit of node 1.
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(100), 20),
              ElementsAreArray(Range(50, 70)));
}

TEST(PreferUnitsTest, TiesGoToTheLowestNode) {
  ResourcePlan plan = NodesPlan({50, 50, 50});
  UnitSelection available = Units(plan, {{140, 150}, {90, 100}, {45, 50}});
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(150), 3), ElementsAre(90u, 91u, 92u));
}

TEST(PreferUnitsTest, NodeHoldingMustIncludeWinsWhenItCanCoverTheRest) {
  ResourcePlan plan = NodesPlan({50, 50});
  UnitSelection available = Units(plan, {{0, 30}, {60, 70}});
  UnitSelection must = Units(plan, {{65, 66}});
  // Node 0 has more free units, but finishing on node 1 keeps the container on one node.
  EXPECT_THAT(*PreferUnits(plan, available, must, 5), ElementsAre(60u, 61u, 62u, 63u, 65u));
}

TEST(PreferUnitsTest, OtherwiseTheNodeWithMostFreeUnitsCoversTheRest) {
  ResourcePlan plan = NodesPlan({50, 50, 50});
  UnitSelection available = Units(plan, {{0, 30}, {60, 70}, {100, 120}});
  UnitSelection must = Units(plan, {{65, 66}});
  // 14 more: node 1 has only 9 free, node 0 (30 free) beats node 2 (20 free).
  EXPECT_THAT(*PreferUnits(plan, available, must, 15),
              ElementsAreArray(Concat(Range(0, 14), {65})));
}

TEST(PreferUnitsTest, SpreadsOverAsFewNodesAsPossibleLargestFirst) {
  ResourcePlan plan = NodesPlan({50, 50, 50, 50});
  UnitSelection available = Units(plan, {{0, 10}, {50, 80}, {100, 120}, {150, 175}});
  // 45 units: no node has them; node 1 (30) then node 3 (25) does it with two nodes.
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(200), 45),
              ElementsAreArray(Concat(Range(50, 80), Range(150, 165))));
}

TEST(PreferUnitsTest, SpreadStartsWithNodesHoldingMustInclude) {
  ResourcePlan plan = NodesPlan({50, 50, 50});
  UnitSelection available = Units(plan, {{0, 10}, {50, 80}, {100, 120}});
  UnitSelection must = Units(plan, {{0, 1}});
  // 39 more: node 0's 9 free cost no extra node, then node 1's 30.
  EXPECT_THAT(*PreferUnits(plan, available, must, 40),
              ElementsAreArray(Concat(Range(0, 10), Range(50, 80))));
}

TEST(PreferUnitsTest, WithoutTopologyLowestIndicesFirst) {
  ResourcePlan plan;
  plan.unit_count = 100;
  plan.blocks = {{-1, 0, 100}};
  UnitSelection available = Units(plan, {{10, 20}, {90, 100}});
  UnitSelection must = Units(plan, {{95, 96}});
  EXPECT_THAT(*PreferUnits(plan, available, must, 4), ElementsAre(10u, 11u, 12u, 95u));
}

TEST(PreferUnitsTest, WholeAvailableSet) {
  ResourcePlan plan = NodesPlan({70, 70});
  UnitSelection available = Units(plan, {{3, 140}});
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(140), 137),
              ElementsAreArray(Range(3, 140)));
}

TEST(PreferUnitsTest, UnitsOutsideEveryBlockAreALastResort) {
  ResourcePlan plan;
  plan.unit_count = 100;
  plan.blocks = {{0, 0, 50}};  // hand-made and incomplete
  UnitSelection available = Units(plan, {{40, 100}});
  EXPECT_THAT(*PreferUnits(plan, available, UnitSelection(100), 12),
              ElementsAreArray(Range(40, 52)));
}

TEST(PreferUnitsTest, InvalidRequests) {
  ResourcePlan plan = NodesPlan({50, 50});
  UnitSelection available = Units(plan, {{0, 10}});
  UnitSelection none(100);
  for (int64_t size : {int64_t{0}, int64_t{-1}, int64_t{11}, int64_t{1} << 40}) {
    absl::StatusOr<std::vector<uint32_t>> chosen = PreferUnits(plan, available, none, size);
    EXPECT_EQ(chosen.status().code(), absl::StatusCode::kInvalidArgument) << size;
    EXPECT_THAT(std::string(chosen.status().message()), HasSubstr(std::to_string(size)));
  }
  UnitSelection stray = Units(plan, {{5, 6}, {50, 51}});
  absl::StatusOr<std::vector<uint32_t>> chosen = PreferUnits(plan, available, stray, 5);
  EXPECT_EQ(chosen.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(chosen.status().message()),
            "must-include device ID \"1e\" is not available");
  UnitSelection many = Units(plan, {{0, 5}});
  chosen = PreferUnits(plan, available, many, 4);
  EXPECT_EQ(chosen.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chosen.status().message()), HasSubstr("more than the allocation size"));
  EXPECT_EQ(PreferUnits(plan, UnitSelection(99), none, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PreferUnitsTest, TwoHundredThousandUnits) {
  ResourcePlan plan = NodesPlan({100'000, 100'000});
  // Node 0 has every other unit of its first 20,000 taken; node 1 its first 1000.
  UnitSelection available(plan.unit_count);
  for (uint32_t i = 0; i < 100'000; ++i) {
    if (i >= 20'000 || i % 2 == 0) available.AddIndex(i);
  }
  for (uint32_t i = 101'000; i < 200'000; ++i) available.AddIndex(i);
  UnitSelection must = Units(plan, {{0, 1}, {150'000, 150'001}});
  absl::StatusOr<std::vector<uint32_t>> chosen = PreferUnits(plan, available, must, 150'000);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  ASSERT_EQ(chosen->size(), 150'000u);
  EXPECT_TRUE(std::is_sorted(chosen->begin(), chosen->end()));
  EXPECT_EQ(std::adjacent_find(chosen->begin(), chosen->end()), chosen->end());
  for (uint32_t index : *chosen) ASSERT_TRUE(available.Contains(index)) << index;
  EXPECT_EQ(chosen->front(), 0u);
  EXPECT_TRUE(std::binary_search(chosen->begin(), chosen->end(), 150'000u));
  // Both nodes hold must-include units; node 1 (99,000 - 1 free) goes first, then node 0.
  EXPECT_EQ(std::count_if(chosen->begin(), chosen->end(), [](uint32_t i) { return i >= 100'000; }),
            99'000);
}

}  // namespace
}  // namespace teedp::resources
