#include "resources/resource_plan.h"

#include <algorithm>
#include <iterator>

namespace teedp::resources {

int ResourcePlan::NumaNodeOf(uint32_t index) const {
  // The first block starting after `index`; the one before it holds `index`.
  auto after = std::upper_bound(blocks.begin(), blocks.end(), index,
                                [](uint32_t i, const UnitBlock& block) { return i < block.first; });
  if (after == blocks.begin()) return -1;
  return std::prev(after)->numa_node;
}

}  // namespace teedp::resources
