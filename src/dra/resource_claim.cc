#include "dra/resource_claim.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

using Json = nlohmann::json;

absl::Status WrongType(std::string_view path, std::string_view wanted) {
  return absl::InvalidArgumentError(
      absl::StrCat("ResourceClaim: ", std::string(path), " is not ", std::string(wanted)));
}

// The string at `key` of `object`, "" when absent; an error when present with another type.
absl::StatusOr<std::string> OptionalString(const Json& object, const char* key,
                                           std::string_view path) {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::string();
  if (!found->is_string()) return WrongType(absl::StrCat(std::string(path), ".", key), "a string");
  return found->get<std::string>();
}

absl::StatusOr<std::string> RequiredString(const Json& object, const char* key,
                                           std::string_view path) {
  absl::StatusOr<std::string> value = OptionalString(object, key, path);
  if (value.ok() && value->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ResourceClaim: ", std::string(path), ".", key, " is missing"));
  }
  return value;
}

absl::StatusOr<AllocationResult> ParseResult(const Json& entry, std::string_view path) {
  if (!entry.is_object()) return WrongType(path, "an object");
  AllocationResult result;
  for (auto [key, field] :
       {std::pair{"request", &result.request}, std::pair{"driver", &result.driver},
        std::pair{"pool", &result.pool}, std::pair{"device", &result.device}}) {
    absl::StatusOr<std::string> value = RequiredString(entry, key, path);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  absl::StatusOr<std::string> share_id = OptionalString(entry, "shareID", path);
  if (!share_id.ok()) return share_id.status();
  result.share_id = *std::move(share_id);
  auto consumed = entry.find("consumedCapacity");
  if (consumed != entry.end() && !consumed->is_null()) {
    const std::string consumed_path = absl::StrCat(std::string(path), ".consumedCapacity");
    if (!consumed->is_object()) return WrongType(consumed_path, "an object");
    for (const auto& [name, quantity] : consumed->items()) {
      if (!quantity.is_string())
        return WrongType(absl::StrCat(consumed_path, ".", name), "a quantity string");
      result.consumed_capacity.emplace(name, quantity.get<std::string>());
    }
  }
  return result;
}

// status.allocation.devices.results, when the claim is allocated.
absl::Status ParseAllocation(const Json& claim, ResourceClaim* out) {
  auto status = claim.find("status");
  if (status == claim.end() || status->is_null()) return absl::OkStatus();
  if (!status->is_object()) return WrongType("status", "an object");
  auto allocation = status->find("allocation");
  if (allocation == status->end() || allocation->is_null()) return absl::OkStatus();
  if (!allocation->is_object()) return WrongType("status.allocation", "an object");
  out->allocated = true;
  auto devices = allocation->find("devices");
  if (devices == allocation->end() || devices->is_null()) return absl::OkStatus();
  if (!devices->is_object()) return WrongType("status.allocation.devices", "an object");
  auto results = devices->find("results");
  if (results == devices->end() || results->is_null()) return absl::OkStatus();
  if (!results->is_array()) return WrongType("status.allocation.devices.results", "a list");
  for (size_t i = 0; i < results->size(); ++i) {
    absl::StatusOr<AllocationResult> result =
        ParseResult((*results)[i], absl::StrCat("status.allocation.devices.results[", i, "]"));
    if (!result.ok()) return result.status();
    out->results.push_back(*std::move(result));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResourceClaim> ParseResourceClaim(std::string_view json) {
  const Json claim = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!claim.is_object()) {
    return absl::InvalidArgumentError("ResourceClaim: the answer is not a JSON object");
  }
  auto metadata = claim.find("metadata");
  if (metadata == claim.end() || !metadata->is_object()) {
    return absl::InvalidArgumentError("ResourceClaim: metadata is missing");
  }
  ResourceClaim out;
  for (auto [key, field] :
       {std::pair{"name", &out.name}, std::pair{"namespace", &out.namespace_name},
        std::pair{"uid", &out.uid}}) {
    absl::StatusOr<std::string> value = RequiredString(*metadata, key, "metadata");
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  if (absl::Status status = ParseAllocation(claim, &out); !status.ok()) return status;
  return out;
}

}  // namespace teedp::dra
