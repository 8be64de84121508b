// Provides ProbeGuestDevices: the attestation interfaces a confidential VM guest offers its
// workloads (Intel TDX and AMD SEV-SNP guest devices, a TPM resource manager, and the kernel's
// configfs-tsm report directory), each found under a HostRoot.
// Thread safety: reads the file system only; safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hw/host_root.h"

namespace teedp::hw {

enum class GuestTee : uint8_t { kTdx, kSevSnp, kTpm, kTsmReport };
inline constexpr std::array<GuestTee, 4> kGuestTees = {GuestTee::kTdx, GuestTee::kSevSnp,
                                                       GuestTee::kTpm, GuestTee::kTsmReport};

// "tdx", "sev-snp", "tpm", "tsm-report": used in `detect`, simulated specs and config.
std::string_view GuestTeeName(GuestTee tee);
std::optional<GuestTee> GuestTeeFromName(std::string_view name);

// The host paths probed for each interface, first match wins. The TDX guest driver named its
// node /dev/tdx-guest in early patches and /dev/tdx_guest upstream (Linux 6.2); both are seen.
std::vector<std::string_view> GuestTeePaths(GuestTee tee);

struct GuestDevice {
  GuestTee tee = GuestTee::kTdx;
  std::string path;  // host path: a device node, or the configfs directory for tsm-report
  friend bool operator==(const GuestDevice&, const GuestDevice&) = default;
};

// The interfaces present, in kGuestTees order, at most one per kind. A device node may be any
// non-directory file (simulated hosts use plain files); tsm-report must be a directory.
std::vector<GuestDevice> ProbeGuestDevices(const HostRoot& root);

}  // namespace teedp::hw
