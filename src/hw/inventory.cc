// ProbeInventory: reads CPUID, /proc/cpuinfo, device nodes and sysfs once, then explains the
// result as problems (SGX unusable) and notes (worth knowing).
#include "hw/inventory.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/byte_size.h"
#include "hw/cpuinfo.h"
#include "hw/sgx_cpuid.h"
#include "hw/sgx_devices.h"

namespace teedp::hw {
namespace {

constexpr char kNodeDir[] = "/sys/devices/system/node";
constexpr char kCpuinfo[] = "/proc/cpuinfo";
constexpr char kAesmdDir[] = "/var/run/aesmd";
// Physical addresses have at most 52 bits; a larger per-node EPC is a broken file, not memory.
constexpr uint64_t kMaxPlausibleEpc = uint64_t{1} << 52;

// "node12" -> 12; nullopt for other entries ("possible", "has_cpu", "nodeX").
std::optional<int> NodeNumber(std::string_view name) {
  if (name.substr(0, 4) != "node" || name.size() == 4 || name.size() > 4 + 6) return std::nullopt;
  int number = 0;
  for (char c : name.substr(4)) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  return number;
}

KernelSgxFlags ReadKernelFlags(const HostRoot& root, std::vector<std::string>* notes) {
  absl::StatusOr<std::string> text = root.ReadFile(kCpuinfo, 64 << 20);
  if (!text.ok()) {
    notes->push_back(absl::StrCat("cannot read ", text.status().message(),
                                  "; the kernel's SGX flags are unknown"));
    return {};
  }
  KernelSgxFlags flags = ParseCpuinfoFlags(*text);
  if (!flags.readable) {
    notes->push_back(
        absl::StrCat(kCpuinfo, " has no flags line: the kernel's SGX flags are unknown"));
  }
  return flags;
}

// Per-node EPC from sysfs. No node with the file means an older kernel (or SGX down). The kernel
// shows the file on every node or on none (0 on nodes without EPC), so a node whose file is
// missing while others have it, or is unreadable or absurd, is skipped with a note and sets
// `*incomplete`, since the remaining nodes then undercount the EPC.
std::vector<NumaEpc> ReadNumaEpc(const HostRoot& root, std::vector<std::string>* notes,
                                 bool* incomplete) {
  std::vector<NumaEpc> result;
  std::vector<std::string> missing;
  bool any_file = false;
  for (const std::string& name : root.ListDirectory(kNodeDir)) {
    const std::optional<int> node = NodeNumber(name);
    if (!node) continue;
    const std::string path = absl::StrCat(kNodeDir, "/", name, "/x86/sgx_total_bytes");
    absl::StatusOr<std::string> text = root.ReadFile(path, 4096);
    if (absl::IsNotFound(text.status())) {
      missing.push_back(path);
      continue;
    }
    any_file = true;
    absl::StatusOr<uint64_t> bytes =
        text.ok() ? ParseSysfsU64(*text, path) : absl::StatusOr<uint64_t>(text.status());
    if (!bytes.ok()) {
      notes->push_back(absl::StrCat(bytes.status().message(), "; NUMA node ", *node, " ignored"));
      *incomplete = true;
      continue;
    }
    if (*bytes > kMaxPlausibleEpc) {
      notes->push_back(absl::StrCat(path, ": ", *bytes,
                                    " bytes is beyond any physical address space; NUMA node ",
                                    *node, " ignored"));
      *incomplete = true;
      continue;
    }
    result.push_back({*node, *bytes});
  }
  if (any_file) {
    for (const std::string& path : missing) {
      notes->push_back(absl::StrCat(path, " is missing while other NUMA nodes have it; ignored"));
      *incomplete = true;
    }
  }
  std::sort(result.begin(), result.end(),
            [](const NumaEpc& a, const NumaEpc& b) { return a.node < b.node; });
  return result;
}

bool SgxEnabledInCpu(const SgxCpuid& cpuid) {
  return cpuid.epc_state == EpcCpuidState::kSections || cpuid.epc_state == EpcCpuidState::kUnknown;
}

void ExplainCpu(const SgxCpuid& cpuid, std::vector<std::string>* problems) {
  if (cpuid.epc_state == EpcCpuidState::kDisabled) {
    problems->push_back("SGX is disabled in BIOS (CPUID leaf 0x12 is zero)");
    return;
  }
  if (cpuid.epc_state != EpcCpuidState::kNoSgx) return;
  if (cpuid.max_basic_leaf >= 7 && !cpuid.has_leaf7) {
    problems->push_back("SGX support unknown: the CPUID source has no leaf 7");
  } else if (!cpuid.sgx) {
    problems->push_back("CPU has no SGX (CPUID.7.0:EBX[2] is 0)");
  } else {
    problems->push_back(absl::StrFormat(
        "CPU has no usable SGX: CPUID.7.0:EBX[2] is set but the max basic leaf 0x%X is below 0x12",
        cpuid.max_basic_leaf));
  }
}

// The kernel clears `sgx` when it cannot use SGX. Only the in-kernel driver depends on that; the
// out-of-tree drivers check the CPU themselves, so with them a missing flag is a note.
void ExplainKernel(const Inventory& inv, std::vector<std::string>* problems,
                   std::vector<std::string>* notes) {
  if (!inv.kernel.readable) return;
  if (inv.kernel.sgx && !inv.cpuid.sgx) {
    notes->push_back(
        "the kernel lists the sgx flag but the CPUID source has no SGX: is the CPUID dump from "
        "another machine?");
  }
  if (!SgxEnabledInCpu(inv.cpuid) || inv.kernel.sgx) return;
  const std::string what =
      "the kernel did not list the sgx flag in /proc/cpuinfo: it disabled SGX (see dmesg for "
      "\"sgx:\")";
  if (inv.driver == SgxDriver::kInKernel || inv.driver == SgxDriver::kNone) {
    problems->push_back(what);
  } else {
    notes->push_back(
        absl::StrCat(what, "; the ", SgxDriverName(inv.driver), " driver does not depend on it"));
  }
}

void ExplainEpc(const Inventory& inv, std::vector<std::string>* problems,
                std::vector<std::string>* notes) {
  const SgxCpuid& cpuid = inv.cpuid;
  if (cpuid.unknown_section_type != 0) {
    notes->push_back(absl::StrCat("CPUID leaf 0x12 has an EPC sub-leaf of unknown type ",
                                  cpuid.unknown_section_type, "; it and later ones are ignored"));
  }
  if (!SgxEnabledInCpu(cpuid)) return;
  if (cpuid.epc_state == EpcCpuidState::kUnknown) {
    notes->push_back(absl::StrCat(
        "EPC size unknown from CPUID: the source has no leaf 0x12 EPC sub-leaves (a dump without "
        "them?)",
        inv.numa_epc.empty() ? "" : "; using sysfs"));
  } else if (!inv.numa_epc.empty() && inv.epc_bytes != cpuid.SectionBytes()) {
    notes->push_back(absl::StrCat("EPC from sysfs (", FormatByteSize(inv.epc_bytes),
                                  ") differs from the CPUID sections (",
                                  FormatByteSize(cpuid.SectionBytes()), "); using sysfs"));
  }
  if (inv.epc_bytes != 0) return;
  if (!inv.numa_epc.empty()) {
    problems->push_back(
        absl::StrCat("EPC size is 0: ", kNodeDir, "/node*/x86/sgx_total_bytes add up to 0"));
  } else if (cpuid.epc_state == EpcCpuidState::kUnknown) {
    problems->push_back(absl::StrCat("EPC size unknown: no CPUID EPC sub-leaves and no ", kNodeDir,
                                     "/node*/x86/sgx_total_bytes"));
  } else {
    problems->push_back("EPC size is 0: CPUID leaf 0x12 EPC sections add up to 0");
  }
}

void ExplainDriver(const Inventory& inv, std::vector<std::string>* problems,
                   std::vector<std::string>* notes) {
  if (inv.driver == SgxDriver::kNone) {
    problems->push_back(absl::StrCat("no SGX driver: none of ", kEnclaveNodesLookedFor, " exists"));
    if (inv.cpuid.sgx && !inv.cpuid.sgx_lc) {
      notes->push_back(
          "the CPU has no flexible launch control (CPUID.7.0:ECX[30] SGX_LC): the in-kernel "
          "driver will not run here, only Intel's out-of-tree legacy driver (/dev/isgx)");
    }
  }
}

}  // namespace

const char* SgxDriverName(SgxDriver driver) {
  switch (driver) {
    case SgxDriver::kInKernel:
      return "in-kernel";
    case SgxDriver::kDcap:
      return "dcap";
    case SgxDriver::kLegacy:
      return "legacy";
    case SgxDriver::kNone:
      break;
  }
  return "none";
}

bool Inventory::HasDeviceNode(std::string_view path) const {
  return std::find(device_nodes.begin(), device_nodes.end(), path) != device_nodes.end();
}

std::string Inventory::EnclaveNode() const {
  switch (driver) {
    case SgxDriver::kInKernel:
      return "/dev/sgx_enclave";
    case SgxDriver::kDcap:
      return HasDeviceNode("/dev/sgx/enclave") ? "/dev/sgx/enclave" : "/dev/sgx";
    case SgxDriver::kLegacy:
      return "/dev/isgx";
    case SgxDriver::kNone:
      break;
  }
  return "";
}

Inventory ProbeInventory(const HostRoot& root, const CpuidSource& cpuid) {
  Inventory inv;
  inv.cpuid = DecodeSgxCpuid(cpuid);
  inv.kernel = ReadKernelFlags(root, &inv.notes);
  SgxDevices devices = ProbeSgxDevices(root);
  inv.driver = devices.driver;
  inv.device_nodes = std::move(devices.nodes);
  inv.device_aliases = std::move(devices.aliases);
  inv.aesmd_socket_dir = root.IsDirectory(kAesmdDir);
  inv.guest_devices = ProbeGuestDevices(root);
  bool sysfs_incomplete = false;
  inv.numa_epc = ReadNumaEpc(root, &inv.notes, &sysfs_incomplete);
  if (sysfs_incomplete && inv.cpuid.epc_state == EpcCpuidState::kSections) {
    // The good nodes alone would hide EPC that exists; CPUID's total is whole, if unplaced.
    inv.numa_epc.clear();
    inv.notes.push_back(
        "per-NUMA EPC from sysfs is incomplete: using the CPUID total without topology");
  }
  if (inv.numa_epc.empty()) {
    inv.epc_bytes = inv.cpuid.SectionBytes();
  } else {
    // Each value is below 2^52; saturate anyway so thousands of fake nodes cannot wrap around.
    for (const NumaEpc& node : inv.numa_epc) {
      inv.epc_bytes =
          node.bytes > UINT64_MAX - inv.epc_bytes ? UINT64_MAX : inv.epc_bytes + node.bytes;
    }
  }
  ExplainCpu(inv.cpuid, &inv.problems);
  ExplainKernel(inv, &inv.problems, &inv.notes);
  ExplainDriver(inv, &inv.problems, &inv.notes);
  ExplainEpc(inv, &inv.problems, &inv.notes);
  if (inv.SgxUsable() && !inv.aesmd_socket_dir) {
    inv.notes.push_back(absl::StrCat("no ", kAesmdDir,
                                     ": containers cannot reach an aesmd for attestation; "
                                     "in-process quoting still works"));
  }
  return inv;
}

}  // namespace teedp::hw
