// Provides Inventory, the immutable description of what one node has for confidential computing,
// and ProbeInventory, which builds it from a HostRoot and a CpuidSource.
// Thread safety: Inventory is a plain value; ProbeInventory only reads and may run on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hw/cpuid_source.h"
#include "hw/guest_devices.h"
#include "hw/host_root.h"

namespace teedp::hw {

// One EPC section as CPUID leaf 0x12 (sub-leaf >= 2) reports it.
struct EpcSection {
  uint64_t base = 0;
  uint64_t size = 0;
  uint32_t property = 0;  // ECX[3:0]; 1, 2 and 3 are seen on real machines
  friend bool operator==(const EpcSection&, const EpcSection&) = default;
};

// What CPUID says about EPC.
enum class EpcCpuidState {
  kNoSgx,     // CPUID has no SGX bit, or max basic leaf < 0x12
  kDisabled,  // SGX bit set but leaf 0x12 all zero: disabled in BIOS
  kUnknown,   // the source has no EPC sub-leaves (dump without them)
  kSections,  // sections decoded (may still total 0 if the first sub-leaf is type 0)
};

// The hardware's view, decoded from CPUID.
struct SgxCpuid {
  uint32_t max_basic_leaf = 0;
  bool sgx = false;                  // CPUID.(7,0).EBX[2]
  bool sgx_lc = false;               // CPUID.(7,0).ECX[30]: flexible launch control
  bool sgx1 = false;                 // CPUID.(0x12,0).EAX[0]
  bool sgx2 = false;                 // CPUID.(0x12,0).EAX[1]
  uint32_t max_enclave_bits_32 = 0;  // EDX[7:0], log2 bytes
  uint32_t max_enclave_bits_64 = 0;  // EDX[15:8], log2 bytes
  EpcCpuidState epc_state = EpcCpuidState::kNoSgx;
  std::vector<EpcSection> sections;  // at most 8
  // Added for diagnostics: whether the source answered leaf 7 / leaf 0x12 sub-leaf 0 (a dump
  // may lack them), and the type of an EPC sub-leaf that was neither 0 nor 1 (0 = none such),
  // which ended the section list early.
  bool has_leaf7 = false;
  bool has_leaf12 = false;
  uint32_t unknown_section_type = 0;
  uint64_t SectionBytes() const;
};

// The kernel's verdict from /proc/cpuinfo flags (the kernel clears them when it cannot use SGX).
struct KernelSgxFlags {
  bool readable = false;  // /proc/cpuinfo could be read and had a flags line
  bool sgx = false;
  bool sgx_lc = false;
};

enum class SgxDriver {
  kNone,
  kInKernel,  // /dev/sgx_enclave (Linux 5.11+)
  kDcap,      // /dev/sgx/enclave as a real node (Intel's out-of-tree DCAP driver)
  kLegacy,    // /dev/isgx
};
const char* SgxDriverName(SgxDriver driver);  // "in-kernel", "dcap", "legacy", "none"

// EPC bytes the kernel reports for one NUMA node (sysfs node<N>/x86/sgx_total_bytes).
struct NumaEpc {
  int node = 0;
  uint64_t bytes = 0;
  friend bool operator==(const NumaEpc&, const NumaEpc&) = default;
};

struct Inventory {
  SgxCpuid cpuid;
  KernelSgxFlags kernel;
  SgxDriver driver = SgxDriver::kNone;
  // Host paths of SGX device nodes that exist, in a fixed order: /dev/sgx_enclave,
  // /dev/sgx_provision, /dev/sgx_vepc, /dev/sgx/enclave, /dev/sgx/provision, /dev/isgx.
  std::vector<std::string> device_nodes;
  // Paths in device_nodes that are symlinks, with the host path they point to (udev aliases).
  std::vector<std::pair<std::string, std::string>> device_aliases;
  bool aesmd_socket_dir = false;  // /var/run/aesmd exists on the host
  // Confidential VM guest interfaces (TDX, SEV-SNP, TPM, configfs-tsm); independent of SGX.
  std::vector<GuestDevice> guest_devices;
  // Per-NUMA EPC from sysfs, sorted by node; empty when the kernel does not expose it, and then
  // all EPC is treated as one node without topology.
  std::vector<NumaEpc> numa_epc;
  // Usable EPC in bytes: the sum of numa_epc when present, else the CPUID section total.
  uint64_t epc_bytes = 0;
  // Human-readable reasons why SGX is not usable (empty when usable), most fundamental first:
  // "CPU has no SGX (CPUID.7.0:EBX[2] is 0)", "SGX is disabled in BIOS (CPUID leaf 0x12 is
  // zero)", "no SGX driver: none of /dev/sgx_enclave, /dev/sgx/enclave, /dev/isgx exists", ...
  std::vector<std::string> problems;
  // Notes that do not make SGX unusable ("EPC size unknown: dump has no leaf 0x12 sub-leaves").
  std::vector<std::string> notes;

  // SGX can run enclaves here: CPU support, enabled, kernel flag set (when readable), a driver
  // node present and EPC > 0.
  bool SgxUsable() const { return problems.empty(); }
  // The host path of the enclave node containers open, or "" when none exists.
  std::string EnclaveNode() const;
  // True when `path` is one of device_nodes.
  bool HasDeviceNode(std::string_view path) const;
};

// Reads everything once. Never fails: unreadable or absurd inputs become problems or notes.
Inventory ProbeInventory(const HostRoot& root, const CpuidSource& cpuid);

}  // namespace teedp::hw
