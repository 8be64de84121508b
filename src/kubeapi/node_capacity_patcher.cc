// An extended resource in the Node's status capacity, set, read and removed with JSON patches.
#include "kubeapi/node_capacity_patcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "kubeapi/api_answer.h"
#include "kubeapi/node_status_json.h"
#include "kubeapi/quantity.h"

namespace teedp::kubeapi {
namespace {

constexpr char kJsonPatch[] = "application/json-patch+json";

}  // namespace

NodeCapacityPatcher::NodeCapacityPatcher(ApiServerClient client, std::string node_name)
    : client_(std::move(client)), node_name_(std::move(node_name)) {}

std::string NodeCapacityPatcher::StatusPath() const {
  return absl::StrCat("/api/v1/nodes/", node_name_, "/status");  // a valid name needs no escaping
}

absl::Status NodeCapacityPatcher::Patch(std::string body) const {
  TEE_ASSIGN_OR_RETURN(const ApiAnswer answer, client_.Send({.method = "PATCH",
                                                             .path = StatusPath(),
                                                             .content_type = kJsonPatch,
                                                             .body = std::move(body)}));
  return StatusFromApiAnswer(answer.http_status, answer.body,
                             {.verb = "patch",
                              .node_name = node_name_,
                              .url = client_.config().endpoint.Url(),
                              .token_file = client_.config().token_file});
}

absl::Status NodeCapacityPatcher::SetCapacity(std::string_view resource_name,
                                              uint64_t value) const {
  return Patch(CapacityAddPatch(resource_name, absl::StrCat(value)));
}

absl::StatusOr<std::optional<std::string>> NodeCapacityPatcher::GetCapacity(
    std::string_view resource_name) const {
  TEE_ASSIGN_OR_RETURN(const ApiAnswer answer,
                       client_.Send({.method = "GET", .path = StatusPath()}));
  TEE_RETURN_IF_ERROR(StatusFromApiAnswer(answer.http_status, answer.body,
                                          {.verb = "get",
                                           .node_name = node_name_,
                                           .url = client_.config().endpoint.Url(),
                                           .token_file = client_.config().token_file}));
  return CapacityFromNodeJson(answer.body, resource_name);
}

absl::StatusOr<CapacityChange> NodeCapacityPatcher::EnsureCapacity(std::string_view resource_name,
                                                                   uint64_t value) const {
  absl::StatusOr<std::optional<std::string>> current = GetCapacity(resource_name);
  if (current.ok() && current->has_value() && QuantityToInteger(**current) == value) {
    return CapacityChange::kUnchanged;
  }
  // A GET that is forbidden or unreadable only costs the check: the patch is idempotent anyway.
  if (!current.ok() && !absl::IsPermissionDenied(current.status()) &&
      !absl::IsInvalidArgument(current.status())) {
    return current.status();
  }
  TEE_RETURN_IF_ERROR(SetCapacity(resource_name, value));
  return CapacityChange::kPatched;
}

absl::StatusOr<CapacityChange> NodeCapacityPatcher::RemoveCapacity(
    std::string_view resource_name) const {
  TEE_ASSIGN_OR_RETURN(const std::optional<std::string> current, GetCapacity(resource_name));
  if (!current.has_value()) return CapacityChange::kUnchanged;
  TEE_RETURN_IF_ERROR(Patch(CapacityRemovePatch(resource_name)));
  return CapacityChange::kPatched;
}

}  // namespace teedp::kubeapi
