#include "dra/slice_reconcile.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

using Json = nlohmann::json;

constexpr int64_t kMaxGeneration = int64_t{1} << 62;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("ResourceSliceList: ", std::string(what)));
}

// Whether the listed slices already are exactly the wanted ones (same names, devices and count).
bool Current(const std::vector<Json>& wanted, const std::vector<ExistingSlice>& existing) {
  if (wanted.size() != existing.size()) return false;
  std::map<std::string, const ExistingSlice*> by_name;
  for (const ExistingSlice& slice : existing) by_name[slice.name] = &slice;
  const int64_t generation = existing.empty() ? 0 : existing.front().generation;
  for (const Json& slice : wanted) {
    auto found = by_name.find(slice["metadata"]["name"].get<std::string>());
    if (found == by_name.end() || found->second->generation != generation ||
        found->second->devices != slice["spec"]["devices"].dump() ||
        found->second->slice_count != static_cast<int64_t>(wanted.size())) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<SliceChanges> ReconcileSlices(const resources::DraDriverDevices& driver,
                                             const NodeIdentity& node,
                                             const std::vector<ExistingSlice>& existing) {
  int64_t highest = 0;
  for (const ExistingSlice& slice : existing) highest = std::max(highest, slice.generation);
  absl::StatusOr<std::vector<Json>> current = BuildResourceSlices(driver, node, highest);
  if (!current.ok()) return current.status();
  SliceChanges changes;
  if (!existing.empty() && Current(*current, existing)) return changes;
  absl::StatusOr<std::vector<Json>> wanted = BuildResourceSlices(driver, node, highest + 1);
  if (!wanted.ok()) return wanted.status();
  std::map<std::string, std::string> versions;  // existing name -> resourceVersion
  for (const ExistingSlice& slice : existing) versions[slice.name] = slice.resource_version;
  for (Json& slice : *wanted) {
    const std::string name = slice["metadata"]["name"];
    auto found = versions.find(name);
    if (found == versions.end()) {
      changes.create.push_back(std::move(slice));
      continue;
    }
    slice["metadata"]["resourceVersion"] = found->second;
    changes.update.push_back(std::move(slice));
    versions.erase(found);
  }
  for (const auto& [name, version] : versions) changes.remove.push_back(name);
  return changes;
}

absl::StatusOr<std::vector<ExistingSlice>> ParseSliceList(std::string_view json) {
  const Json list = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!list.is_object()) return Bad("the answer is not a JSON object");
  auto items = list.find("items");
  if (items == list.end() || items->is_null()) return std::vector<ExistingSlice>{};
  if (!items->is_array()) return Bad("items is not a list");
  std::vector<ExistingSlice> slices;
  for (size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    const std::string where = absl::StrCat("items[", i, "]");
    const Json* name = item.is_object() && item.contains("metadata") && item["metadata"].is_object()
                           ? &item["metadata"]
                           : nullptr;
    if (name == nullptr || !name->contains("name") || !(*name)["name"].is_string()) {
      return Bad(where + ".metadata.name is missing");
    }
    ExistingSlice slice;
    slice.name = (*name)["name"].get<std::string>();
    if (name->contains("resourceVersion") && (*name)["resourceVersion"].is_string()) {
      slice.resource_version = (*name)["resourceVersion"].get<std::string>();
    }
    const Json& spec = item.contains("spec") ? item["spec"] : Json();
    if (!spec.is_object() || !spec.contains("pool") || !spec["pool"].is_object()) {
      return Bad(where + ".spec.pool is missing");
    }
    const Json& pool = spec["pool"];
    if (!pool.contains("generation") || !pool["generation"].is_number_integer()) {
      return Bad(where + ".spec.pool.generation is not a whole number");
    }
    slice.generation = pool["generation"].get<int64_t>();
    // Generations count publications from 1; one near the top of int64 could not be raised.
    if (slice.generation < 0 || slice.generation > kMaxGeneration) {
      return Bad(where + ".spec.pool.generation is out of range");
    }
    if (pool.contains("resourceSliceCount") && pool["resourceSliceCount"].is_number_integer()) {
      slice.slice_count = pool["resourceSliceCount"].get<int64_t>();
    }
    slice.devices = (spec.contains("devices") ? spec["devices"] : Json::array())
                        .dump(-1, ' ', false, Json::error_handler_t::replace);
    slices.push_back(std::move(slice));
  }
  return slices;
}

}  // namespace teedp::dra
