// Provides ParseResourceClaim: the parts of a resource.k8s.io/v1 ResourceClaim (as the API server
// answers a GET) that preparing it needs: its identity and the allocation's device results.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "resources/claim_allocation.h"

namespace teedp::dra {

using resources::AllocationResult;

struct ResourceClaim {
  std::string namespace_name;
  std::string name;
  std::string uid;
  bool allocated = false;  // status.allocation is present
  std::vector<AllocationResult> results;
  friend bool operator==(const ResourceClaim&, const ResourceClaim&) = default;
};

// Reads a ResourceClaim object. InvalidArgument naming the field when the text is not a JSON
// object, metadata.name, .namespace or .uid is missing or not a string, or a field read here has
// the wrong type. Unknown fields are ignored: the API grows.
absl::StatusOr<ResourceClaim> ParseResourceClaim(std::string_view json);

}  // namespace teedp::dra
