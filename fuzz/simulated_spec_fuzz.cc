// Fuzzes ParseSimulatedNodeSpec; every accepted node's CPUID dump must parse and decode to one
// section per NUMA node with the requested sizes, or to no SGX at all for a CPU without it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hw/cpuid_dump_parser.h"
#include "hw/sgx_cpuid.h"
#include "hw/simulated_node.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  auto node = teedp::hw::ParseSimulatedNodeSpec(spec);
  if (!node.ok()) return 0;
  auto table = teedp::hw::ParseCpuidDump(teedp::hw::SimulatedCpuidDump(*node));
  if (!table.ok()) __builtin_trap();
  const teedp::hw::SgxCpuid sgx = teedp::hw::DecodeSgxCpuid(teedp::hw::TableCpuidSource(*table));
  if (!node->sgx_in_cpu) {  // sgx=absent: a CPU without SGX, as in a confidential VM guest
    if (sgx.sgx || !sgx.sections.empty()) __builtin_trap();
    return 0;
  }
  if (!node->sgx_enabled) return 0;
  if (sgx.sections.size() != node->numa_epc_bytes.size()) __builtin_trap();
  for (size_t i = 0; i < sgx.sections.size(); ++i) {
    if (sgx.sections[i].size != node->numa_epc_bytes[i]) __builtin_trap();
  }
  return 0;
}
