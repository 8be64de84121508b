#include "resources/device_list_size.h"

#include <algorithm>
#include <numeric>

namespace teedp::resources {
namespace {

constexpr uint64_t kHealthyBytes = 7;    // "Healthy"
constexpr uint64_t kUnhealthyBytes = 9;  // "Unhealthy"

uint64_t VarintBytes(uint64_t value) {
  uint64_t bytes = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++bytes;
  }
  return bytes;
}

// A length-delimited field: tag, length, payload.
uint64_t FieldBytes(uint64_t payload) { return 1 + VarintBytes(payload) + payload; }

// Device.topology for one NUMA node; proto3 leaves NUMANode.ID out when it is 0.
uint64_t TopologyBytes(int numa_node) {
  uint64_t numa_payload = numa_node == 0 ? 0 : 1 + VarintBytes(static_cast<uint64_t>(numa_node));
  return FieldBytes(FieldBytes(numa_payload));
}

// Sum over indices [first, first + count) of the encoded device entry, grouped by ID length
// (base 36: lengths change at 36, 1296, 46656, ...).
uint64_t BlockBytes(const UnitBlock& block, bool has_topology, uint64_t health_bytes) {
  uint64_t fixed = FieldBytes(health_bytes) + (has_topology ? TopologyBytes(block.numa_node) : 0);
  uint64_t total = 0;
  uint64_t index = block.first;
  const uint64_t end = uint64_t{block.first} + block.count;
  uint64_t id_length = 1;
  uint64_t next_length_at = 36;
  while (index < end) {
    while (index >= next_length_at) {
      ++id_length;
      next_length_at *= 36;
    }
    uint64_t run = std::min(end, next_length_at) - index;
    total += run * FieldBytes(FieldBytes(id_length) + fixed);
    index += run;
  }
  return total;
}

// `total` units spread over `full` in proportion to its block sizes (largest remainder).
std::vector<UnitBlock> Proportional(const std::vector<UnitBlock>& full, uint64_t all,
                                    uint64_t total) {
  std::vector<UnitBlock> out = full;
  std::vector<std::pair<uint64_t, size_t>> remainders;  // (remainder, block), for the leftovers
  uint64_t given = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t share = uint64_t{full[i].count} * total;
    out[i].count = static_cast<uint32_t>(share / all);
    given += out[i].count;
    remainders.push_back({share % all, i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total; ++k, ++given) out[remainders[k].second].count++;
  uint32_t first = 0;
  for (UnitBlock& block : out) {
    block.first = first;
    first += block.count;
  }
  std::erase_if(out, [](const UnitBlock& block) { return block.count == 0; });
  return out;
}

}  // namespace

uint64_t EncodedDeviceListBytes(const std::vector<UnitBlock>& blocks, bool has_topology,
                                bool healthy) {
  uint64_t health = healthy ? kHealthyBytes : kUnhealthyBytes;
  uint64_t total = 0;
  for (const UnitBlock& block : blocks) total += BlockBytes(block, has_topology, health);
  return total;
}

std::vector<UnitBlock> FitBlocks(const std::vector<UnitBlock>& full, bool has_topology,
                                 uint64_t limit) {
  auto fits = [&](const std::vector<UnitBlock>& blocks) {
    return EncodedDeviceListBytes(blocks, has_topology, /*healthy=*/false) <= limit;
  };
  if (fits(full)) return full;
  uint64_t all = std::accumulate(full.begin(), full.end(), uint64_t{0},
                                 [](uint64_t sum, const UnitBlock& b) { return sum + b.count; });
  // The size grows with the number of units, so the largest count that fits is a binary search.
  uint64_t low = 0;
  uint64_t high = all;
  while (low < high) {
    uint64_t middle = low + (high - low + 1) / 2;
    if (fits(Proportional(full, all, middle))) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return Proportional(full, all, low);
}

}  // namespace teedp::resources
