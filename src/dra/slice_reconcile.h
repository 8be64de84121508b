// Provides ReconcileSlices: the calls that turn the ResourceSlices a driver has on the API server
// for this node into the ones it should have. Unchanged devices change nothing; any change
// rewrites the pool under a generation above every existing slice's, so the scheduler never mixes
// old and new slices (it uses only a pool's highest generation). Also ParseSliceList, which reads
// the API server's list answer.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dra/resource_slices.h"

namespace teedp::dra {

// A slice as listed: enough to update or delete it and to tell whether it is current.
struct ExistingSlice {
  std::string name;
  std::string resource_version;
  int64_t generation = 0;
  std::string devices;      // spec.devices as listed, as compact JSON (keys sorted)
  int64_t slice_count = 0;  // spec.pool.resourceSliceCount
};

struct SliceChanges {
  std::vector<nlohmann::json> create;  // POST these
  std::vector<nlohmann::json> update;  // PUT these (metadata.resourceVersion set)
  std::vector<std::string> remove;     // DELETE these by name
  bool empty() const { return create.empty() && update.empty() && remove.empty(); }
};

// What to send so that `existing` (this driver's slices of this node) becomes the slices of
// `driver`'s devices. Errors: BuildResourceSlices's.
absl::StatusOr<SliceChanges> ReconcileSlices(const resources::DraDriverDevices& driver,
                                             const NodeIdentity& node,
                                             const std::vector<ExistingSlice>& existing);

// Reads a ResourceSliceList (GET .../resourceslices?fieldSelector=...). InvalidArgument naming
// the field when the answer is not such a list.
absl::StatusOr<std::vector<ExistingSlice>> ParseSliceList(std::string_view json);

}  // namespace teedp::dra
