// PreferUnits (declared in unit_selection.h): the GetPreferredAllocation policy. Works a 64-bit
// word at a time over the selections' bitmaps, so it is linear in unit_count / 64 plus the answer.
#include <algorithm>
#include <bit>
#include <span>

#include "absl/strings/str_cat.h"
#include "resources/device_id.h"
#include "resources/unit_selection.h"

namespace teedp::resources {
namespace {

using Words = std::span<const uint64_t>;

// Units of one NUMA node: the plan's consecutive blocks that share a node.
struct NodeGroup {
  int numa_node = -1;
  size_t first_block = 0;
  size_t end_block = 0;
  uint64_t free = 0;  // available and not already in must_include
  uint64_t held = 0;  // must_include units on this node
};

// Calls fn(word_index, mask) for each bitmap word overlapping units [first, end); `mask` selects
// the bits of the word inside the range.
template <typename Fn>
void ForEachWord(uint64_t first, uint64_t end, Fn fn) {
  for (uint64_t w = first / 64; w * 64 < end; ++w) {
    uint64_t mask = ~uint64_t{0};
    if (w * 64 < first) mask &= ~uint64_t{0} << (first % 64);
    if (w * 64 + 64 > end) mask &= ~uint64_t{0} >> (w * 64 + 64 - end);
    fn(w, mask);
  }
}

// A block's unit range, clipped to the bitmaps so a hand-made plan cannot index past them.
std::pair<uint64_t, uint64_t> BlockRange(const UnitBlock& block, uint32_t unit_count) {
  uint64_t end = std::min<uint64_t>(uint64_t{block.first} + block.count, unit_count);
  return {std::min<uint64_t>(block.first, end), end};
}

std::vector<NodeGroup> GroupNodes(const ResourcePlan& plan, Words available, Words must,
                                  uint32_t unit_count) {
  std::vector<NodeGroup> groups;
  for (size_t b = 0; b < plan.blocks.size(); ++b) {
    if (groups.empty() || groups.back().numa_node != plan.blocks[b].numa_node) {
      groups.push_back({plan.blocks[b].numa_node, b, b, 0, 0});
    }
    NodeGroup& group = groups.back();
    group.end_block = b + 1;
    auto [first, end] = BlockRange(plan.blocks[b], unit_count);
    ForEachWord(first, end, [&](uint64_t w, uint64_t mask) {
      group.free += std::popcount(available[w] & ~must[w] & mask);
      group.held += std::popcount(must[w] & mask);
    });
  }
  return groups;
}

// Nodes already holding must_include units come first: finishing the request there keeps it on
// the fewest NUMA nodes. Then most free units (spreads load, leaves room for big requests on the
// others), then lowest node id so equal inputs give equal answers.
void RankGroups(std::vector<NodeGroup>* groups) {
  std::sort(groups->begin(), groups->end(), [](const NodeGroup& a, const NodeGroup& b) {
    if (a.held != b.held) return a.held > b.held;
    if (a.free != b.free) return a.free > b.free;
    return a.numa_node < b.numa_node;
  });
}

// Moves up to *wanted of the lowest available, not yet chosen units in [first, end) into chosen.
void TakeLowest(uint64_t first, uint64_t end, Words available, std::vector<uint64_t>* chosen,
                uint64_t* wanted) {
  ForEachWord(first, end, [&](uint64_t w, uint64_t mask) {
    uint64_t candidates = available[w] & ~(*chosen)[w] & mask;
    while (candidates != 0 && *wanted > 0) {
      uint64_t lowest = candidates & (~candidates + 1);
      (*chosen)[w] |= lowest;
      candidates ^= lowest;
      --*wanted;
    }
  });
}

void TakeFromGroup(const ResourcePlan& plan, const NodeGroup& group, uint32_t unit_count,
                   Words available, std::vector<uint64_t>* chosen, uint64_t* wanted) {
  for (size_t b = group.first_block; b<group.end_block&& * wanted> 0; ++b) {
    auto [first, end] = BlockRange(plan.blocks[b], unit_count);
    TakeLowest(first, end, available, chosen, wanted);
  }
}

absl::Status ValidateRequest(const ResourcePlan& plan, const UnitSelection& available,
                             const UnitSelection& must_include, int64_t size) {
  if (size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("allocation size ", size, " is below 1"));
  }
  if (available.unit_count() != plan.unit_count || must_include.unit_count() != plan.unit_count) {
    return absl::InvalidArgumentError(absl::StrCat("selections are for ", available.unit_count(),
                                                   " and ", must_include.unit_count(),
                                                   " units but the plan has ", plan.unit_count));
  }
  if (size > int64_t{available.size()}) {
    return absl::InvalidArgumentError(absl::StrCat("allocation size ", size, " exceeds the ",
                                                   available.size(), " available units"));
  }
  Words avail = available.words();
  Words must = must_include.words();
  for (size_t w = 0; w < must.size(); ++w) {
    if (uint64_t stray = must[w] & ~avail[w]; stray != 0) {
      uint32_t index = static_cast<uint32_t>(w * 64 + std::countr_zero(stray));
      return absl::InvalidArgumentError(absl::StrCat(
          "must-include device ID ", QuoteIdForMessage(DeviceId(index)), " is not available"));
    }
  }
  if (int64_t{must_include.size()} > size) {
    return absl::InvalidArgumentError(absl::StrCat("must-include has ", must_include.size(),
                                                   " units, more than the allocation size ", size));
  }
  return absl::OkStatus();
}

// Picks `wanted` more units (beyond must_include, already in `chosen`) by node.
void ChooseByNode(const ResourcePlan& plan, const UnitSelection& available,
                  const UnitSelection& must_include, std::vector<uint64_t>* chosen,
                  uint64_t wanted) {
  uint32_t unit_count = plan.unit_count;
  std::vector<NodeGroup> groups =
      GroupNodes(plan, available.words(), must_include.words(), unit_count);
  RankGroups(&groups);
  auto covering = std::find_if(groups.begin(), groups.end(),
                               [wanted](const NodeGroup& g) { return g.free >= wanted; });
  if (covering != groups.end()) {
    TakeFromGroup(plan, *covering, unit_count, available.words(), chosen, &wanted);
  } else {
    // No single node suffices: whole nodes in rank order use the fewest nodes.
    for (const NodeGroup& group : groups) {
      TakeFromGroup(plan, group, unit_count, available.words(), chosen, &wanted);
    }
  }
  // Units outside every block (only in a hand-made plan) are the last resort, so the answer
  // always has exactly the requested size.
  if (wanted > 0) TakeLowest(0, unit_count, available.words(), chosen, &wanted);
}

}  // namespace

absl::StatusOr<std::vector<uint32_t>> PreferUnits(const ResourcePlan& plan,
                                                  const UnitSelection& available,
                                                  const UnitSelection& must_include, int64_t size) {
  absl::Status valid = ValidateRequest(plan, available, must_include, size);
  if (!valid.ok()) return valid;
  Words must = must_include.words();
  std::vector<uint64_t> chosen(must.begin(), must.end());
  uint64_t wanted = static_cast<uint64_t>(size) - must_include.size();
  if (wanted > 0) ChooseByNode(plan, available, must_include, &chosen, wanted);

  std::vector<uint32_t> indices;
  indices.reserve(static_cast<size_t>(size));
  for (size_t w = 0; w < chosen.size(); ++w) {
    for (uint64_t word = chosen[w]; word != 0; word &= word - 1) {
      indices.push_back(static_cast<uint32_t>(w * 64 + std::countr_zero(word)));
    }
  }
  return indices;
}

}  // namespace teedp::resources
