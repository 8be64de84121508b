// Provides ParseResourceClaim: the parts of a resource.k8s.io/v1 ResourceClaim (as the API server
// answers a GET) that preparing it needs: its identity and the allocation's device results.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace teedp::dra {

// One entry of status.allocation.devices.results.
struct AllocationResult {
  std::string request;  // the claim's request name ("<request>/<subrequest>" for firstAvailable)
  std::string driver;
  std::string pool;
  std::string device;
  std::string share_id;  // set when the device allows multiple allocations
  // Capacity this allocation consumes, as quantities ("64Mi"); empty when none.
  std::map<std::string, std::string> consumed_capacity;
  friend bool operator==(const AllocationResult&, const AllocationResult&) = default;
};

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
