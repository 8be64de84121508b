// Provides the devices this node's DRA drivers publish (ResourceSlice spec.devices) and what a
// container of a claim on each gets. EPC is one shareable device per NUMA node whose capacity
// "epc" claims consume in bytes; the SGX nodes and the confidential VM guest interfaces are
// shareable devices without capacity. kubeapi/ turns these into ResourceSlice objects.
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hw/inventory.h"
#include "resources/container_edits.h"

namespace teedp::resources {

// The SGX host driver: EPC, the enclave and the provisioning node.
inline constexpr std::string_view kSgxDraDriver = "sgx.tee.dev";
// The confidential VM guest driver: TDX, SEV-SNP, TPM and configfs-tsm interfaces.
inline constexpr std::string_view kGuestDraDriver = "guest.tee.dev";
inline constexpr std::string_view kEpcCapacity = "epc";
// EPC is handed out in whole pages; a claim that names no amount gets 1 MiB.
inline constexpr uint64_t kEpcPageBytes = 4096;
inline constexpr uint64_t kDefaultEpcRequestBytes = uint64_t{1} << 20;

using DraAttribute = std::variant<bool, int64_t, std::string>;

// A capacity claims consume. The scheduler rounds each request up to a multiple of `step`, at
// least `min`; a request that names no amount takes `default_request`; the sum stays within
// `value`.
struct DraCapacity {
  uint64_t value = 0;
  uint64_t default_request = 0;
  uint64_t min = 0;
  uint64_t step = 0;
  friend bool operator==(const DraCapacity&, const DraCapacity&) = default;
};

struct DraDevice {
  std::string name;  // a DNS label, unique within its driver's pool
  // Attribute names without the driver's domain (the API server qualifies them with it).
  std::map<std::string, DraAttribute> attributes;
  std::map<std::string, DraCapacity> capacity;
  bool allow_multiple_allocations = false;
  ContainerEdits edits;  // what the container of a claim on this device gets
  friend bool operator==(const DraDevice&, const DraDevice&) = default;
};

struct DraDriverDevices {
  std::string driver;
  std::vector<DraDevice> devices;  // in a fixed order
  friend bool operator==(const DraDriverDevices&, const DraDriverDevices&) = default;
};

// The drivers with at least one device on this node, SGX first.
// SGX, only while SGX is usable: "epc-numa-<N>" per NUMA node with EPC, or one "epc" when the
// kernel gives no per-node figures, each with capacity "epc" (bytes; 4 KiB steps, 1 MiB by
// default) and attributes type ("epc"), numaNode (when known), sgx1, sgx2, flc, driver
// ("in-kernel", "dcap", "legacy") and maxEnclaveSize (bytes, when CPUID gives it); then "enclave"
// and "provision" when their nodes exist, with the same attributes but type "enclave" or
// "provision" and no numaNode. Guests: "tdx-guest", "sev-snp-guest", "tpm", "tsm-report" for the
// interfaces found, each with attribute "tee". Every device allows multiple allocations.
std::vector<DraDriverDevices> PlanDraDevices(const hw::Inventory& inventory);

}  // namespace teedp::resources
