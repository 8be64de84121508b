// Text and JSON renderings of an Inventory.
#include "hw/inventory_report.h"

#include <sstream>

#include "absl/strings/str_format.h"
#include "common/byte_size.h"

namespace teedp::hw {
namespace {

// Neither CPUID sections nor sysfs give a size (a dump without leaf 0x12 sub-leaves): say
// "unknown", never 0, which would read as "no EPC".
bool EpcSizeKnown(const Inventory& inv) {
  return !inv.numa_epc.empty() || inv.cpuid.epc_state != EpcCpuidState::kUnknown;
}

const char* YesNo(bool value) { return value ? "yes" : "no"; }

std::string EnclaveLimit(uint32_t bits) {
  if (bits == 0) return "-";
  if (bits >= 64) return absl::StrFormat("2^%d bytes", bits);
  return absl::StrFormat("2^%d bytes (%s)", bits, FormatByteSize(uint64_t{1} << bits));
}

void RenderCpu(const SgxCpuid& cpu, std::ostringstream& out) {
  out << "CPU (CPUID)\n"
      << "  SGX: " << YesNo(cpu.sgx) << ", SGX_LC: " << YesNo(cpu.sgx_lc)
      << ", SGX1: " << YesNo(cpu.sgx1) << ", SGX2: " << YesNo(cpu.sgx2) << "\n"
      << absl::StrFormat("  max basic leaf: 0x%X\n", cpu.max_basic_leaf)
      << "  max enclave size: " << EnclaveLimit(cpu.max_enclave_bits_64) << " in 64-bit mode, "
      << EnclaveLimit(cpu.max_enclave_bits_32) << " otherwise\n"
      << "  EPC: " << EpcCpuidStateName(cpu.epc_state);
  if (cpu.epc_state == EpcCpuidState::kSections) {
    out << ", " << cpu.sections.size() << " section(s), " << FormatByteSize(cpu.SectionBytes());
  }
  out << "\n";
  for (const EpcSection& section : cpu.sections) {
    out << absl::StrFormat("    base 0x%X size 0x%X (%s) property %u\n", section.base, section.size,
                           FormatByteSize(section.size), section.property);
  }
}

void RenderHost(const Inventory& inv, std::ostringstream& out) {
  out << "Kernel (/proc/cpuinfo)\n";
  if (inv.kernel.readable) {
    out << "  sgx flag: " << YesNo(inv.kernel.sgx) << ", sgx_lc flag: " << YesNo(inv.kernel.sgx_lc)
        << "\n";
  } else {
    out << "  flags unknown\n";
  }
  out << "Driver: " << SgxDriverName(inv.driver) << "\n";
  for (const std::string& node : inv.device_nodes) {
    out << "  " << node;
    for (const auto& [alias, target] : inv.device_aliases) {
      if (alias == node) out << " -> " << target;
    }
    out << "\n";
  }
  out << "aesmd socket directory (/var/run/aesmd): " << YesNo(inv.aesmd_socket_dir) << "\n";
  out << "NUMA EPC (sysfs):" << (inv.numa_epc.empty() ? " none\n" : "\n");
  for (const NumaEpc& node : inv.numa_epc) {
    out << "  node " << node.node << ": " << FormatByteSize(node.bytes) << "\n";
  }
  out << "Total EPC: " << (EpcSizeKnown(inv) ? FormatByteSize(inv.epc_bytes) : "unknown") << "\n";
}

void RenderGuest(const Inventory& inv, std::ostringstream& out) {
  out << "Confidential VM guest interfaces:" << (inv.guest_devices.empty() ? " none\n" : "\n");
  for (const GuestDevice& device : inv.guest_devices) {
    out << "  " << GuestTeeName(device.tee) << ": " << device.path << "\n";
  }
}

}  // namespace

const char* EpcCpuidStateName(EpcCpuidState state) {
  switch (state) {
    case EpcCpuidState::kNoSgx:
      return "no_sgx";
    case EpcCpuidState::kDisabled:
      return "disabled";
    case EpcCpuidState::kUnknown:
      return "unknown";
    case EpcCpuidState::kSections:
      return "sections";
  }
  return "unknown";
}

std::string RenderInventoryText(const Inventory& inventory) {
  std::ostringstream out;
  RenderCpu(inventory.cpuid, out);
  RenderHost(inventory, out);
  RenderGuest(inventory, out);
  out << "SGX usable: " << YesNo(inventory.SgxUsable()) << "\n";
  for (const std::string& problem : inventory.problems) out << "  - " << problem << "\n";
  for (const std::string& note : inventory.notes) out << "  note: " << note << "\n";
  return out.str();
}

nlohmann::json InventoryJson(const Inventory& inv) {
  const SgxCpuid& cpu = inv.cpuid;
  nlohmann::json sections = nlohmann::json::array();
  for (const EpcSection& s : cpu.sections) {
    sections.push_back({{"base", s.base}, {"size", s.size}, {"property", s.property}});
  }
  nlohmann::json aliases = nlohmann::json::array();
  for (const auto& [path, target] : inv.device_aliases) {
    aliases.push_back({{"path", path}, {"target", target}});
  }
  nlohmann::json guest = nlohmann::json::array();
  for (const GuestDevice& device : inv.guest_devices) {
    guest.push_back({{"tee", GuestTeeName(device.tee)}, {"path", device.path}});
  }
  nlohmann::json numa = nlohmann::json::array();
  for (const NumaEpc& node : inv.numa_epc) {
    numa.push_back({{"node", node.node}, {"bytes", node.bytes}});
  }
  return {
      {"sgx_usable", inv.SgxUsable()},
      {"problems", inv.problems},
      {"notes", inv.notes},
      {"cpu",
       {{"max_basic_leaf", cpu.max_basic_leaf},
        {"sgx", cpu.sgx},
        {"sgx_lc", cpu.sgx_lc},
        {"sgx1", cpu.sgx1},
        {"sgx2", cpu.sgx2},
        {"max_enclave_bits_32", cpu.max_enclave_bits_32},
        {"max_enclave_bits_64", cpu.max_enclave_bits_64},
        {"epc_state", EpcCpuidStateName(cpu.epc_state)},
        {"epc_sections", sections},
        {"epc_section_bytes", cpu.SectionBytes()}}},
      {"kernel",
       {{"readable", inv.kernel.readable}, {"sgx", inv.kernel.sgx}, {"sgx_lc", inv.kernel.sgx_lc}}},
      {"driver", SgxDriverName(inv.driver)},
      {"enclave_node", inv.EnclaveNode()},
      {"device_nodes", inv.device_nodes},
      {"device_aliases", aliases},
      {"aesmd_socket_dir", inv.aesmd_socket_dir},
      {"numa_epc", numa},
      {"epc_bytes", EpcSizeKnown(inv) ? nlohmann::json(inv.epc_bytes) : nlohmann::json(nullptr)},
      {"guest_devices", guest},
  };
}

}  // namespace teedp::hw
