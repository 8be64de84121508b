// Provides the two renderings of an Inventory that `tee-device-plugin detect` prints: a text
// report for people and JSON for scripts.
// Thread safety: pure functions of their argument; safe to call from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hw/inventory.h"

namespace teedp::hw {

// A multi-line report ending in "SGX usable: yes" or "SGX usable: no" followed by one
// "  - <problem>" line per problem, then notes as "  note: <note>".
std::string RenderInventoryText(const Inventory& inventory);

// JSON with stable snake_case keys (scripts depend on them; only add, never rename):
//   sgx_usable: bool             problems: [string]           notes: [string]
//   cpu: { max_basic_leaf: int, sgx, sgx_lc, sgx1, sgx2: bool, max_enclave_bits_32: int,
//          max_enclave_bits_64: int, epc_state: "no_sgx"|"disabled"|"unknown"|"sections",
//          epc_sections: [{base: int, size: int, property: int}], epc_section_bytes: int }
//   kernel: { readable, sgx, sgx_lc: bool }
//   driver: "in-kernel"|"dcap"|"legacy"|"none"   enclave_node: string ("" when none)
//   device_nodes: [string]       device_aliases: [{path: string, target: string}]
//   aesmd_socket_dir: bool       numa_epc: [{node: int, bytes: int}]     epc_bytes: int
//   guest_devices: [{tee: "tdx"|"sev-snp"|"tpm"|"tsm-report", path: string}]
// Byte counts are plain integers.
nlohmann::json InventoryJson(const Inventory& inventory);

// "no_sgx", "disabled", "unknown" or "sections".
const char* EpcCpuidStateName(EpcCpuidState state);

}  // namespace teedp::hw
