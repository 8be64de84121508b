// Provides SimulatedNode: a description of an SGX node that can be written out as a host root
// (device files, /proc/cpuinfo, sysfs) plus a `cpuid -r` dump, for demos, integration tests and
// operators trying the plugin without SGX hardware.
// Thread safety: functions hold no state; WriteSimulatedNode must not race with another writer
// of the same directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/inventory.h"

namespace teedp::hw {

struct SimulatedNode {
  // EPC per NUMA node; one CPUID EPC section each. 1 to 8 nodes, each a multiple of 4 KiB and
  // at most 256 TiB.
  std::vector<uint64_t> numa_epc_bytes{uint64_t{4} << 30, uint64_t{4} << 30};
  SgxDriver driver = SgxDriver::kInKernel;
  bool numa_sysfs = true;       // write node<N>/x86/sgx_total_bytes
  bool cpuinfo_flags = true;    // list sgx and sgx_lc in /proc/cpuinfo
  bool sgx_enabled = true;      // false: SGX bit set but leaf 0x12 zero (disabled in BIOS)
  bool sgx_in_cpu = true;       // false: a CPU without SGX at all (as in most confidential VMs)
  bool aesmd = false;           // create /var/run/aesmd/
  std::vector<GuestTee> guest;  // confidential VM guest interfaces to create, in kGuestTees order
};

inline constexpr int kMaxSimulatedNumaNodes = 8;
inline constexpr uint64_t kMaxSimulatedNodeEpc = uint64_t{1} << 48;  // 256 TiB

// Parses "numa=4GiB,4GiB driver=in-kernel|dcap|legacy|none sysfs=on|off flags=on|off
// sgx=on|off|absent aesmd=on|off guest=none|<tee>,..." (space-separated, any order, each key at
// most once; omitted keys keep their defaults; sizes as ParseByteSize accepts; guest TEEs by
// GuestTeeName: tdx, sev-snp, tpm, tsm-report). A confidential VM guest without SGX is
// "sgx=absent driver=none guest=tdx". Returns InvalidArgument naming the bad key or value.
absl::StatusOr<SimulatedNode> ParseSimulatedNodeSpec(std::string_view spec);

// The node's CPUID as `cpuid -r -1` prints it: leaves 0, 7, 0x12 sub-leaves 0 and 1, one EPC
// section per NUMA node, and a terminating zero sub-leaf. Requires a node that
// ParseSimulatedNodeSpec would accept (sizes beyond the limits are clamped).
std::string SimulatedCpuidDump(const SimulatedNode& node);

// Creates `dir` and below it: dev/ device files (plain empty files: in-kernel sgx_enclave,
// sgx_provision, sgx_vepc; dcap sgx/enclave, sgx/provision; legacy isgx), proc/cpuinfo,
// sys/devices/system/node/node<N>/x86/sgx_total_bytes (when numa_sysfs and SGX is on),
// var/run/aesmd/ (when aesmd), the guest interfaces (dev/tdx_guest, dev/sev-guest, dev/tpmrm0,
// sys/kernel/config/tsm/report/) and cpuid.txt. Existing files are overwritten. Returns Internal
// naming the path that could not be written.
absl::Status WriteSimulatedNode(const std::string& dir, const SimulatedNode& node);

}  // namespace teedp::hw
