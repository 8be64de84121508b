// Provides shared device resources: a device node (or directory) that up to `limit` containers on
// a node may hold at once, each slot a device with a stable ID. Intel's profile offers
// sgx.intel.com/enclave and sgx.intel.com/provision this way; confidential VM guests offer their
// attestation interfaces (TDX, SEV-SNP, TPM, configfs-tsm) this way in every profile.
// Thread safety: pure functions; a plan is an immutable value once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hw/inventory.h"
#include "resources/resource_name.h"
#include "resources/resource_plan.h"
#include "resources/shared_limit.h"

namespace teedp::resources {

enum class SharedDevice : uint8_t { kSgxEnclave, kSgxProvision, kTdx, kSevSnp, kTpm, kTsmReport };

// "sgx-enclave", "sgx-provision", "tdx", "sev-snp", "tpm", "tsm-report".
std::string_view SharedDeviceName(SharedDevice device);
// sgx.intel.com/enclave, sgx.intel.com/provision, intel.com/tdx, amd.com/sev-snp, tee.dev/tpm,
// tee.dev/tsm-report.
std::string_view DefaultSharedResourceName(SharedDevice device);
SharedDevice SharedDeviceFor(hw::GuestTee tee);

struct SharedDeviceConfig {
  SharedDevice device = SharedDevice::kSgxEnclave;
  ResourceName resource_name = ResourceName::BuiltIn(DefaultSharedResourceName(device));
  SharedLimit limit;
};

// The host path of the device's node on this host, or nullopt when it has none. SGX enclave: the
// driver's enclave node (in-kernel, DCAP or legacy); provision: /dev/sgx_provision,
// /dev/sgx/provision or DCAP 1.22's /dev/sgx_prv; guests: the probed interface.
std::optional<std::string> SharedDevicePath(const hw::Inventory& inventory, SharedDevice device);

// A plan of kind SharedSlots: `limit` slots with IDs as every plan's (device_id.h), no topology.
// Healthy while the
// device exists (and, for SGX, while SGX is usable). A container gets only the device's own node,
// at the same path as on the host, "rw" (tsm-report: the configfs directory mounted read-write);
// the SGX enclave also carries the aesmd socket mount and SGX_AESM_ADDR=1 when the host has
// /var/run/aesmd.
ResourcePlan PlanSharedDevice(const hw::Inventory& inventory, const SharedDeviceConfig& config);

}  // namespace teedp::resources
