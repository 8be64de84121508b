// Provides AllocationResult, one device the scheduler allocated to a ResourceClaim
// (status.allocation.devices.results[] of resource.k8s.io/v1).
// Thread safety: a plain value.
#pragma once

#include <map>
#include <string>

namespace teedp::resources {

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

}  // namespace teedp::resources
