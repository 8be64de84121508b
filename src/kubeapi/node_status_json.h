// Provides the JSON the Node status calls send and read: RFC 6902 patches that add or remove one
// extended resource in status.capacity, and the reading of that capacity from a Node object.
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace teedp::kubeapi {

// [{"op":"add","path":"/status/capacity/<escaped name>","value":"<value>"}]. "add" on an
// existing member replaces it, so the same patch both creates and updates the capacity.
std::string CapacityAddPatch(std::string_view resource_name, std::string_view value);

// [{"op":"remove","path":"/status/capacity/<escaped name>"}]. The API server refuses it when the
// member is absent; callers check first.
std::string CapacityRemovePatch(std::string_view resource_name);

// Reads status.capacity[resource_name] from a Node object (a GET of /api/v1/nodes/<name>/status).
// Returns the quantity text, nullopt when the Node has no such capacity (or no capacity at all),
// or InvalidArgument when the body is not a JSON object or the value is not a string.
absl::StatusOr<std::optional<std::string>> CapacityFromNodeJson(std::string_view body,
                                                                std::string_view resource_name);

}  // namespace teedp::kubeapi
