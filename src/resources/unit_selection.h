// Provides UnitSelection, a set of EPC unit indices built from untrusted kubelet IDs in linear
// time (a bitmap, no per-ID allocation), plus the allocation policy over it.
// Thread safety: a UnitSelection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resources/resource_plan.h"

namespace teedp::resources {

class UnitSelection {
 public:
  explicit UnitSelection(uint32_t unit_count);

  // Adds the unit `id` names. InvalidArgument, with the ID quoted by QuoteIdForMessage, when it is
  // not one of this plan's IDs ("unknown device ID \"x\"") or already in the set ("duplicate
  // device ID \"x\"").
  absl::Status Add(std::string_view id);
  void AddIndex(uint32_t index);  // REQUIRES: index < unit_count
  bool Contains(uint32_t index) const;
  uint32_t size() const { return size_; }
  uint32_t unit_count() const { return unit_count_; }
  // Indices in ascending order.
  std::vector<uint32_t> Indices() const;
  // The bitmap itself, for word-at-a-time policy code: unit i is bit (i % 64) of word i / 64;
  // bits at or beyond unit_count are always zero. Valid until the next Add/AddIndex.
  std::span<const uint64_t> words() const { return bits_; }

 private:
  uint32_t unit_count_;
  uint32_t size_ = 0;
  std::vector<uint64_t> bits_;
};

// The edits for one container request: the plan's container_edits, or under --cdi only the
// plan's CDI device name. InvalidArgument when the selection is empty, FailedPrecondition (with
// the plan's health reason) when SGX is not usable.
absl::StatusOr<ContainerEdits> AllocateContainer(const ResourcePlan& plan,
                                                 const UnitSelection& units);

// The kubelet's GetPreferredAllocation for one container: all of `must_include`, then the rest
// from the one NUMA node whose free units can cover it (the one with most free units), else from
// as few nodes as possible (largest first). Within a node, lowest indices first. Returns exactly
// `size` indices, ascending. InvalidArgument when size < 1, size > available, must_include is not
// inside available, or must_include has more than `size` units.
// The exact rule: "free" units are available ones not in must_include. NUMA nodes are ranked by
// must_include units they hold (most first), then free units (most first), then node id (lowest
// first). The first node in that rank whose free units cover the remainder supplies all of it;
// so a node that already holds must_include units wins when it can, keeping the container on
// one node, and otherwise the node with most free units does. When no node can, whole nodes are
// taken in rank order, which uses the fewest nodes. Also InvalidArgument when either selection
// was built for a unit count other than the plan's. Linear in unit_count / 64 plus `size`.
absl::StatusOr<std::vector<uint32_t>> PreferUnits(const ResourcePlan& plan,
                                                  const UnitSelection& available,
                                                  const UnitSelection& must_include, int64_t size);

}  // namespace teedp::resources
