// Provides PrepareClaimDevices: what one DRA driver hands a ResourceClaim's containers on this
// node: for each device the scheduler allocated from this driver's pool, a CDI device carrying
// that device's container edits, in one CDI spec per claim and driver. The CDI device name holds
// the claim's uid, the device and its shareID, so two claims sharing one device never collide.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "resources/claim_allocation.h"
#include "resources/dra_devices.h"

namespace teedp::resources {

// The claim as the kubelet names it.
struct ClaimRef {
  std::string namespace_name;
  std::string name;
  std::string uid;
};

// One prepared device, as NodePrepareResources answers it.
struct PreparedDevice {
  std::vector<std::string> request_names;  // every request the device was allocated for
  std::string pool;
  std::string device;
  std::string cdi_device_id;  // "<driver>/claim=<name>"
  // The allocation's shareID ("" for a device not shared between allocations): the kubelet keeps
  // it with the device and names it in PodResources, where it tells two claims of one device apart.
  std::string share_id;
  // What the allocation takes of the device's capacities, as quantities ("64Mi"); kept for the
  // per-device accounting in /metrics.
  std::map<std::string, std::string> consumed_capacity;
  friend bool operator==(const PreparedDevice&, const PreparedDevice&) = default;
};

struct PreparedClaim {
  std::vector<PreparedDevice> devices;  // in the order of the allocation results
  std::string cdi_spec_file;            // "<driver>-claim-<uid>.json"
  std::string cdi_spec;                 // the spec file's content (JSON)
};

// The CDI kind of a driver's claim devices: "<driver>/claim".
std::string ClaimCdiKind(std::string_view driver);

// The devices of `results` that `driver` allocated from the pool of `node_name`; results of
// other drivers or pools are another driver's (or node's) to prepare. Errors, naming the claim
// (namespace/name): FailedPrecondition when no result is this driver's on this node, or one
// names a device the node does not publish (the hardware changed since the allocation);
// InvalidArgument when the uid or a shareID holds characters a CDI name cannot.
absl::StatusOr<PreparedClaim> PrepareClaimDevices(const ClaimRef& claim,
                                                  const std::vector<AllocationResult>& results,
                                                  std::string_view node_name,
                                                  const DraDriverDevices& driver);

}  // namespace teedp::resources
