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
#include "resources/resource_plan.h"
#include "resources/shared_slots.h"

namespace teedp::resources {

SharedDevice SharedDeviceFor(hw::GuestTee tee);

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
ResourcePlan PlanKind(const hw::Inventory& inventory, const SharedDeviceConfig& config);

}  // namespace teedp::resources
