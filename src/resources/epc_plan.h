// Provides EpcPlan, the EPC resource as the kubelet sees it (fixed-size units, each a device with
// a short stable ID and the NUMA node of its memory), and PlanEpcDevices, which derives it from an
// Inventory. Pure logic: no I/O.
// Thread safety: EpcPlan is an immutable value once built; share it as shared_ptr<const EpcPlan>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/inventory.h"

namespace teedp::resources {

inline constexpr std::string_view kDefaultEpcResource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
inline constexpr uint64_t kMiB = uint64_t{1} << 20;

struct EpcConfig {
  std::string resource_name = std::string(kDefaultEpcResource);
  uint64_t unit_bytes = kMiB;
};

// A run of consecutive unit indices whose memory sits on one NUMA node.
struct UnitBlock {
  int numa_node = -1;  // -1: no topology known
  uint32_t first = 0;
  uint32_t count = 0;
  friend bool operator==(const UnitBlock&, const UnitBlock&) = default;
};

struct DeviceSpec {
  std::string container_path;
  std::string host_path;  // always the path on the host, never prefixed with --host-root
  std::string permissions;
  friend bool operator==(const DeviceSpec&, const DeviceSpec&) = default;
};

struct Mount {
  std::string container_path;
  std::string host_path;
  bool read_only = false;
  friend bool operator==(const Mount&, const Mount&) = default;
};

// What a container that holds any EPC units gets, independent of which units.
struct ContainerEdits {
  std::vector<DeviceSpec> devices;
  std::vector<Mount> mounts;
  std::vector<std::pair<std::string, std::string>> envs;  // sorted by name
  // Fully qualified CDI device names (--cdi): the runtime applies their edits from the CDI spec
  // file, so the fields above stay empty.
  std::vector<std::string> cdi_devices;
  friend bool operator==(const ContainerEdits&, const ContainerEdits&) = default;
};

// Also the shape of a shared device resource (see shared_device.h): there every "unit" is one
// of `limit` slots on the same device node, unit_bytes is 0 and nothing is ever capped.
struct EpcPlan {
  std::string resource_name;
  uint64_t unit_bytes = kMiB;
  uint32_t unit_count = 0;
  // Contiguous blocks covering [0, unit_count), ordered by `first`, NUMA nodes ascending.
  std::vector<UnitBlock> blocks;
  bool has_topology = false;  // devices carry a NUMA node: only when EPC spans several nodes
  // Whole units the node's EPC holds. More than unit_count when the full list would exceed the
  // kubelet's 4 MiB message limit: then only as many as fit are advertised (never more than
  // exist), and smallest_fitting_unit_bytes names the smallest unit whose full list fits (0 when
  // even 1 GiB units do not).
  uint64_t units_on_node = 0;
  uint64_t smallest_fitting_unit_bytes = 0;
  bool healthy = false;
  std::string health_reason;  // why unhealthy ("" when healthy)
  ContainerEdits container_edits;
  // When set (--cdi), Allocate answers with this fully qualified CDI device name instead of
  // container_edits, which the CDI spec file then carries.
  std::string cdi_device;

  // NUMA node of a unit (-1 when the kernel gave no topology). REQUIRES: index < unit_count.
  int NumaNodeOf(uint32_t index) const;
  bool capped() const { return unit_count < units_on_node; }
  // A shared device resource (shared_device.h): every unit is a slot on one device, no bytes.
  bool shared_device() const { return unit_bytes == 0; }
};

// InvalidArgument naming the value when `name` is not `<domain>/<name>` as Kubernetes requires for
// extended resources (domain a DNS subdomain other than kubernetes.io, name a qualified name).
absl::Status ValidateResourceName(std::string_view name);

// InvalidArgument naming the value unless `unit_bytes` is a power of two from 1 MiB to 1 GiB.
absl::Status ValidateUnitBytes(uint64_t unit_bytes);

// Builds the plan: one unit per whole `unit_bytes` of EPC on each NUMA node (a partial unit is
// dropped, so 93.5 MiB gives 93 units), healthy while inventory.SgxUsable(). InvalidArgument when
// the config is bad (resource name, unit not a power of two between 1 MiB and 1 GiB).
// The advertisement is cut to what fits in the kubelet's ListAndWatch limit (see units_on_node).
// Also: total units are clamped to UINT32_MAX (IDs are 32-bit); NUMA nodes without a whole unit
// get no block; when healthy is false, health_reason is the inventory's first problem, or
// "no EPC" when SGX is usable but there is not one whole unit.
absl::StatusOr<EpcPlan> PlanEpcDevices(const hw::Inventory& inventory, const EpcConfig& config);

// The device nodes, aliases, mounts and environment a container needs for SGX on this host.
// Every node in inventory.device_nodes except /dev/sgx_vepc (for KVM guests, not containers),
// "rw"; a node that is a udev symlink gets its resolved target as host_path. When the in-kernel
// /dev/sgx_enclave (/dev/sgx_provision) exists and nothing is at /dev/sgx/enclave
// (/dev/sgx/provision) yet, that DCAP path is added backed by the in-kernel node, for software
// built against Intel's DCAP driver. Container paths are unique, devices sorted by container
// path; host_path is always a host path. With /var/run/aesmd: that directory mounted read-write
// and SGX_AESM_ADDR=1. Never fails.
ContainerEdits PlanContainerEdits(const hw::Inventory& inventory);

// Adds the aesmd socket directory mount and SGX_AESM_ADDR=1 when the host has /var/run/aesmd, so
// out-of-process quoting works in the container.
void AddAttestationEdits(const hw::Inventory& inventory, ContainerEdits* edits);

// The host path a runtime should create the SGX device node `path` from: the resolved target when
// `path` is a udev symlink in inventory.device_aliases, else `path` itself. Never prefixed with
// --host-root.
std::string HostPathOf(const hw::Inventory& inventory, std::string_view path);

}  // namespace teedp::resources
