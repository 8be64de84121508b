// Fuzzes ParseSliceList with arbitrary API server answers, and ReconcileSlices with what it
// accepts: no crash; a refusal is InvalidArgument about the list; reconciling a node's devices
// against any accepted list never creates and updates the same slice, and a second pass over the
// result it asked for changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "dra/slice_reconcile.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<teedp::dra::ExistingSlice>> listed = teedp::dra::ParseSliceList(body);
  if (!listed.ok()) {
    Check(listed.status().code() == absl::StatusCode::kInvalidArgument);
    Check(listed.status().message().substr(0, 18) == "ResourceSliceList:");
    return 0;
  }
  teedp::resources::DraDriverDevices driver{.driver = "sgx.tee.dev", .devices = {}};
  for (int i = 0; i < static_cast<int>(size % 300); ++i) {
    driver.devices.push_back({.name = "d" + std::to_string(i),
                              .attributes = {},
                              .capacity = {},
                              .allow_multiple_allocations = true,
                              .edits = {}});
  }
  const teedp::dra::NodeIdentity node{"node-a", "uid"};
  absl::StatusOr<teedp::dra::SliceChanges> changes =
      teedp::dra::ReconcileSlices(driver, node, *listed);
  Check(changes.ok());
  std::set<std::string> written;
  for (const auto* group : {&changes->create, &changes->update}) {
    for (const nlohmann::json& slice : *group) {
      Check(written.insert(slice["metadata"]["name"].get<std::string>()).second);
    }
  }
  if (changes->empty()) return 0;
  // The API server's list after the changes: what was written, nothing that was removed.
  std::vector<teedp::dra::ExistingSlice> after;
  for (const auto* group : {&changes->create, &changes->update}) {
    for (const nlohmann::json& slice : *group) {
      after.push_back({.name = slice["metadata"]["name"],
                       .resource_version = "1",
                       .generation = slice["spec"]["pool"]["generation"],
                       .devices = slice["spec"]["devices"].dump(),
                       .slice_count = slice["spec"]["pool"]["resourceSliceCount"]});
    }
  }
  absl::StatusOr<teedp::dra::SliceChanges> again = teedp::dra::ReconcileSlices(driver, node, after);
  Check(again.ok() && (again->empty() || driver.devices.empty()));
  return 0;
}
