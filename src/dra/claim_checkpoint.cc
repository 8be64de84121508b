#include "dra/claim_checkpoint.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

using Json = nlohmann::json;

absl::Status Bad(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("claim checkpoint: ", std::string(path), " ", std::string(problem)));
}

absl::StatusOr<std::string> StringAt(const Json& object, const char* key, std::string_view path) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return Bad(absl::StrCat(std::string(path), ".", key), "is missing or not a string");
  }
  return found->get<std::string>();
}

absl::StatusOr<std::vector<std::string>> StringsAt(const Json& object, const char* key,
                                                   std::string_view path) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_array()) {
    return Bad(absl::StrCat(std::string(path), ".", key), "is missing or not a list");
  }
  std::vector<std::string> out;
  for (const Json& item : *found) {
    if (!item.is_string()) {
      return Bad(absl::StrCat(std::string(path), ".", key), "holds a non-string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A name in the CDI directory: no separator, not "." or "..".
bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

absl::StatusOr<resources::PreparedDevice> ParseDevice(const Json& device, std::string_view path) {
  if (!device.is_object()) return Bad(path, "is not an object");
  resources::PreparedDevice out;
  absl::StatusOr<std::vector<std::string>> requests = StringsAt(device, "requestNames", path);
  if (!requests.ok()) return requests.status();
  out.request_names = *std::move(requests);
  for (auto [key, field] : {std::pair{"pool", &out.pool}, std::pair{"device", &out.device},
                            std::pair{"cdiDeviceId", &out.cdi_device_id}}) {
    absl::StatusOr<std::string> value = StringAt(device, key, path);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  // Optional: devices not shared between allocations have none (nor checkpoints from before it).
  if (auto share = device.find("shareID"); share != device.end()) {
    if (!share->is_string())
      return Bad(absl::StrCat(std::string(path), ".shareID"), "is not a string");
    out.share_id = share->get<std::string>();
  }
  // Optional: claims without consumable capacity have none.
  if (auto consumed = device.find("consumedCapacity"); consumed != device.end()) {
    const std::string where = absl::StrCat(std::string(path), ".consumedCapacity");
    if (!consumed->is_object()) return Bad(where, "is not an object");
    for (const auto& [name, quantity] : consumed->items()) {
      if (!quantity.is_string()) return Bad(absl::StrCat(where, ".", name), "is not a string");
      out.consumed_capacity.emplace(name, quantity.get<std::string>());
    }
  }
  return out;
}

absl::StatusOr<PreparedClaimRecord> ParseRecord(const Json& record, std::string_view path) {
  if (!record.is_object()) return Bad(path, "is not an object");
  PreparedClaimRecord out;
  for (auto [key, field] :
       {std::pair{"namespace", &out.namespace_name}, std::pair{"name", &out.name},
        std::pair{"driver", &out.driver}, std::pair{"cdiSpecFile", &out.cdi_spec_file}}) {
    absl::StatusOr<std::string> value = StringAt(record, key, path);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  if (!IsPlainFileName(out.cdi_spec_file)) {
    return Bad(absl::StrCat(std::string(path), ".cdiSpecFile"), "is not a plain file name");
  }
  auto devices = record.find("devices");
  if (devices == record.end() || !devices->is_array()) {
    return Bad(absl::StrCat(std::string(path), ".devices"), "is missing or not a list");
  }
  for (size_t i = 0; i < devices->size(); ++i) {
    absl::StatusOr<resources::PreparedDevice> device =
        ParseDevice((*devices)[i], absl::StrCat(std::string(path), ".devices[", i, "]"));
    if (!device.ok()) return device.status();
    out.devices.push_back(*std::move(device));
  }
  return out;
}

}  // namespace

std::string SerializeCheckpoint(const Checkpoint& checkpoint) {
  Json claims = Json::object();
  for (const auto& [uid, record] : checkpoint) {
    Json devices = Json::array();
    for (const resources::PreparedDevice& device : record.devices) {
      Json entry = {{"requestNames", device.request_names},
                    {"pool", device.pool},
                    {"device", device.device},
                    {"cdiDeviceId", device.cdi_device_id}};
      if (!device.share_id.empty()) entry["shareID"] = device.share_id;
      if (!device.consumed_capacity.empty()) entry["consumedCapacity"] = device.consumed_capacity;
      devices.push_back(std::move(entry));
    }
    claims[uid] = {{"namespace", record.namespace_name},
                   {"name", record.name},
                   {"driver", record.driver},
                   {"cdiSpecFile", record.cdi_spec_file},
                   {"devices", std::move(devices)}};
  }
  // Replacing invalid UTF-8 instead of throwing: every string came through a JSON parser anyway.
  return Json{{"version", kCheckpointVersion}, {"claims", std::move(claims)}}.dump(
             -1, ' ', false, Json::error_handler_t::replace) +
         "\n";
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return Bad("the file", "is not a JSON object");
  auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() ||
      version->get<int64_t>() != kCheckpointVersion) {
    return Bad("version", absl::StrCat("is not ", kCheckpointVersion));
  }
  auto claims = root.find("claims");
  if (claims == root.end() || !claims->is_object()) {
    return Bad("claims", "is missing or not an object");
  }
  Checkpoint checkpoint;
  for (const auto& [uid, record] : claims->items()) {
    absl::StatusOr<PreparedClaimRecord> parsed = ParseRecord(record, "claims." + uid.substr(0, 64));
    if (!parsed.ok()) return parsed.status();
    checkpoint.emplace(uid, *std::move(parsed));
  }
  return checkpoint;
}

}  // namespace teedp::dra
