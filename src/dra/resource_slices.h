// Provides the ResourceSlice objects (resource.k8s.io/v1) one DRA driver publishes for its node:
// one pool named after the node, at most 128 devices per slice, each slice owned by the Node so
// the API server's garbage collector removes them with it.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "resources/dra_devices.h"

namespace teedp::dra {

// The API server refuses a slice with more devices.
inline constexpr size_t kMaxDevicesPerSlice = 128;

struct NodeIdentity {
  std::string name;
  std::string uid;  // the Node object's metadata.uid; "" leaves the ownerReference out
};

// The slices of `driver`'s devices on `node`, named "<node>-<driver>-<index>", pool generation
// `generation`, resourceSliceCount their number (an empty vector when there is no device).
// InvalidArgument naming the value when the node name is not a DNS subdomain or a slice's name
// would be longer than 253 characters.
absl::StatusOr<std::vector<nlohmann::json>> BuildResourceSlices(
    const resources::DraDriverDevices& driver, const NodeIdentity& node, int64_t generation);

// The JSON of one device as spec.devices[] carries it.
nlohmann::json DeviceJson(const resources::DraDevice& device);

}  // namespace teedp::dra
