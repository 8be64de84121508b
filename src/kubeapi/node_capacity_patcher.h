// Provides NodeCapacityPatcher: publishes a count (EPC bytes for sgx.intel.com/epc) as an extended
// resource in this Node's status capacity through the Kubernetes API, checks it, and withdraws
// it. The API server keeps extended resources it did not get from a device plugin, but a kubelet
// that re-registers its Node can reset them: callers re-apply with EnsureCapacity at every start
// and after a kubelet restart; it is idempotent and costs one GET when nothing changed.
// Thread safety: the methods are const and share no state between calls; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kubeapi/api_server_client.h"

namespace teedp::kubeapi {

enum class CapacityChange {
  kUnchanged,  // the Node already had this value; nothing was sent
  kPatched,    // a patch was sent and accepted
};

class NodeCapacityPatcher {
 public:
  NodeCapacityPatcher(ApiServerClient client, std::string node_name);

  // PATCH /api/v1/nodes/<node>/status with [{"op":"add","path":"/status/capacity/<escaped
  // resource>","value":"<value>"}] (application/json-patch+json): creates or replaces the value.
  // Needs RBAC "patch" on "nodes/status". Errors: those of ApiServerClient::Send and
  // StatusFromApiAnswer (403 names the RBAC, 404 the node).
  absl::Status SetCapacity(std::string_view resource_name, uint64_t value) const;

  // GET /api/v1/nodes/<node>/status: the capacity's text ("98566144", "64M"), or nullopt when the
  // Node has none. Needs RBAC "get" on "nodes/status". Errors: as SetCapacity, plus
  // InvalidArgument when the answer is not a Node object.
  absl::StatusOr<std::optional<std::string>> GetCapacity(std::string_view resource_name) const;

  // Sets the capacity unless the Node already has that value (compared as a quantity, so "64M"
  // equals 64000000). When the GET is forbidden (RBAC grants only "patch") or its answer cannot
  // be read, it patches without checking. Returns what it did, or the first error that stopped it.
  absl::StatusOr<CapacityChange> EnsureCapacity(std::string_view resource_name,
                                                uint64_t value) const;

  // Removes the capacity (op "remove") if the Node has it; OK and nothing sent when absent.
  absl::StatusOr<CapacityChange> RemoveCapacity(std::string_view resource_name) const;

  const std::string& node_name() const { return node_name_; }

 private:
  absl::Status Patch(std::string body) const;
  std::string StatusPath() const;

  ApiServerClient client_;
  std::string node_name_;
};

}  // namespace teedp::kubeapi
