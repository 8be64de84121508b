// Node status JSON: patch bodies out, capacity values in. nlohmann's parser runs without
// exceptions so a bad answer is a Status, never a throw.
#include "kubeapi/node_status_json.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "kubeapi/json_pointer.h"

namespace teedp::kubeapi {
namespace {

// dump() with `replace` so bytes that are not UTF-8 cannot throw.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string CapacityAddPatch(std::string_view resource_name, std::string_view value) {
  nlohmann::json op = nlohmann::json::object();
  op["op"] = "add";
  op["path"] = CapacityPointer(resource_name);
  op["value"] = std::string(value);
  return Dump(nlohmann::json::array({op}));
}

std::string CapacityRemovePatch(std::string_view resource_name) {
  nlohmann::json op = nlohmann::json::object();
  op["op"] = "remove";
  op["path"] = CapacityPointer(resource_name);
  return Dump(nlohmann::json::array({op}));
}

absl::StatusOr<std::optional<std::string>> CapacityFromNodeJson(std::string_view body,
                                                                std::string_view resource_name) {
  const nlohmann::json node = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (node.is_discarded() || !node.is_object()) {
    return absl::InvalidArgumentError("the API server's Node answer is not a JSON object");
  }
  const auto status = node.find("status");
  if (status == node.end() || !status->is_object()) return std::nullopt;
  const auto capacity = status->find("capacity");
  if (capacity == status->end() || !capacity->is_object()) return std::nullopt;
  const auto value = capacity->find(std::string(resource_name));
  if (value == capacity->end()) return std::nullopt;
  if (!value->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("the Node's status.capacity[\"",
                                                   std::string(resource_name),
                                                   "\"] is not a quantity string"));
  }
  return value->get<std::string>();
}

}  // namespace teedp::kubeapi
