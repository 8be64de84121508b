// Provides the exact protobuf-encoded size of the ListAndWatchResponse a plan produces, computed
// from the plan alone (no encoding), and the largest advertisement that fits the kubelet's limit.
// The kubelet's gRPC client keeps gRPC's default 4 MiB receive limit: one byte more and the
// stream fails and the resource silently vanishes from the node.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "resources/resource_plan.h"

namespace teedp::resources {

inline constexpr uint64_t kKubeletMaxMessageBytes = uint64_t{4} << 20;

// Bytes of the encoded ListAndWatchResponse for these blocks, with every device Healthy or every
// device Unhealthy ("Unhealthy" is two bytes longer, so a plan must fit in that state too).
uint64_t EncodedDeviceListBytes(const std::vector<UnitBlock>& blocks, bool has_topology,
                                bool healthy);

// Blocks advertising as many of `full`'s units as fit in `limit` bytes in either health state,
// trimmed in proportion to each block's size so NUMA nodes keep their share (largest remainder
// first, lower node on ties). Indices stay contiguous from 0. Returns `full` when it fits.
std::vector<UnitBlock> FitBlocks(const std::vector<UnitBlock>& full, bool has_topology,
                                 uint64_t limit = kKubeletMaxMessageBytes);

}  // namespace teedp::resources
