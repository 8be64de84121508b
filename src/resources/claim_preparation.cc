#include "resources/claim_preparation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resources/cdi_spec.h"

namespace teedp::resources {
namespace {

// Kubernetes uids and shareIDs are UUIDs; anything else must not reach a CDI name or a path.
bool IsUidText(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string ClaimName(const ClaimRef& claim) {
  return absl::StrCat(claim.namespace_name, "/", claim.name);
}

const DraDevice* FindDevice(const DraDriverDevices& driver, std::string_view name) {
  for (const DraDevice& device : driver.devices) {
    if (device.name == name) return &device;
  }
  return nullptr;
}

}  // namespace

std::string ClaimCdiKind(std::string_view driver) {
  return absl::StrCat(std::string(driver), "/claim");
}

absl::StatusOr<PreparedClaim> PrepareClaimDevices(const ClaimRef& claim,
                                                  const std::vector<AllocationResult>& results,
                                                  std::string_view node_name,
                                                  const DraDriverDevices& driver) {
  if (!IsUidText(claim.uid)) {
    return absl::InvalidArgumentError(absl::StrCat("claim ", ClaimName(claim), ": uid \"",
                                                   claim.uid.substr(0, 64), "\" is not a UID"));
  }
  PreparedClaim prepared;
  std::vector<std::pair<std::string, ContainerEdits>> cdi_devices;
  for (const AllocationResult& result : results) {
    if (result.driver != driver.driver || result.pool != node_name) continue;
    const DraDevice* device = FindDevice(driver, result.device);
    if (device == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("claim ", ClaimName(claim), " was allocated device ", result.device,
                       ", which node ", std::string(node_name), " no longer publishes"));
    }
    if (!result.share_id.empty() && !IsUidText(result.share_id)) {
      return absl::InvalidArgumentError(absl::StrCat("claim ", ClaimName(claim), ": shareID \"",
                                                     result.share_id.substr(0, 64),
                                                     "\" is not a UID"));
    }
    std::string cdi_name = absl::StrCat(claim.uid, "-", result.device);
    if (!result.share_id.empty()) absl::StrAppend(&cdi_name, "-", result.share_id);
    const std::string cdi_id = absl::StrCat(ClaimCdiKind(driver.driver), "=", cdi_name);
    // One device allocated for several requests (without a shareID) is prepared once.
    auto same = std::find_if(prepared.devices.begin(), prepared.devices.end(),
                             [&](const PreparedDevice& p) { return p.cdi_device_id == cdi_id; });
    if (same != prepared.devices.end()) {
      same->request_names.push_back(result.request);
      continue;
    }
    prepared.devices.push_back({.request_names = {result.request},
                                .pool = result.pool,
                                .device = result.device,
                                .cdi_device_id = cdi_id,
                                .share_id = result.share_id,
                                .consumed_capacity = result.consumed_capacity});
    cdi_devices.emplace_back(std::move(cdi_name), device->edits);
  }
  if (prepared.devices.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("claim ", ClaimName(claim),
                                                      " has no device of driver ", driver.driver,
                                                      " on node ", std::string(node_name)));
  }
  prepared.cdi_spec_file = absl::StrCat(driver.driver, "-claim-", claim.uid, ".json");
  prepared.cdi_spec = BuildCdiSpecOfKind(ClaimCdiKind(driver.driver), cdi_devices).dump(2) + "\n";
  return prepared;
}

}  // namespace teedp::resources
