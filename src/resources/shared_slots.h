// Provides the shared device resource kind: up to `limit` containers hold one device node (or
// directory) at once, each slot a device. SharedDeviceConfig is what the operator chooses;
// SharedSlots is what a plan of this kind carries. The planner is in shared_device.h.
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resources/resource_name.h"
#include "resources/shared_limit.h"

namespace teedp::resources {

enum class SharedDevice : uint8_t { kSgxEnclave, kSgxProvision, kTdx, kSevSnp, kTpm, kTsmReport };

// "sgx-enclave", "sgx-provision", "tdx", "sev-snp", "tpm", "tsm-report".
std::string_view SharedDeviceName(SharedDevice device);
// sgx.intel.com/enclave, sgx.intel.com/provision, intel.com/tdx, amd.com/sev-snp, tee.dev/tpm,
// tee.dev/tsm-report.
std::string_view DefaultSharedResourceName(SharedDevice device);

struct SharedDeviceConfig {
  SharedDevice device = SharedDevice::kSgxEnclave;
  ResourceName resource_name = ResourceName::BuiltIn(DefaultSharedResourceName(device));
  SharedLimit limit;
};

struct SharedSlots {
  using Config = SharedDeviceConfig;
  std::string host_path;  // the shared node or directory on the host; "" when the host has none
  friend bool operator==(const SharedSlots&, const SharedSlots&) = default;
};

}  // namespace teedp::resources
