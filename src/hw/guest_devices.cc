#include "hw/guest_devices.h"

namespace teedp::hw {

std::string_view GuestTeeName(GuestTee tee) {
  switch (tee) {
    case GuestTee::kTdx:
      return "tdx";
    case GuestTee::kSevSnp:
      return "sev-snp";
    case GuestTee::kTpm:
      return "tpm";
    case GuestTee::kTsmReport:
      return "tsm-report";
  }
  return "unknown";
}

std::optional<GuestTee> GuestTeeFromName(std::string_view name) {
  for (GuestTee tee : kGuestTees) {
    if (GuestTeeName(tee) == name) return tee;
  }
  return std::nullopt;
}

std::vector<std::string_view> GuestTeePaths(GuestTee tee) {
  switch (tee) {
    case GuestTee::kTdx:
      return {"/dev/tdx_guest", "/dev/tdx-guest"};
    case GuestTee::kSevSnp:
      return {"/dev/sev-guest"};
    case GuestTee::kTpm:
      // The resource manager, not /dev/tpm0: it lets several containers share the TPM safely.
      return {"/dev/tpmrm0"};
    case GuestTee::kTsmReport:
      return {"/sys/kernel/config/tsm/report"};
  }
  return {};
}

std::vector<GuestDevice> ProbeGuestDevices(const HostRoot& root) {
  std::vector<GuestDevice> found;
  for (GuestTee tee : kGuestTees) {
    const bool wants_directory = tee == GuestTee::kTsmReport;
    for (std::string_view path : GuestTeePaths(tee)) {
      if (!root.Exists(path) || root.IsDirectory(path) != wants_directory) continue;
      found.push_back({tee, std::string(path)});
      break;
    }
  }
  return found;
}

}  // namespace teedp::hw
