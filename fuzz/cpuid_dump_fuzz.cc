// Fuzzes ParseCpuidDump and, when it succeeds, decoding the table as an SGX CPU would be.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hw/cpuid_dump_parser.h"
#include "hw/sgx_cpuid.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = teedp::hw::ParseCpuidDump(text);
  if (!table.ok()) return 0;
  const teedp::hw::SgxCpuid sgx = teedp::hw::DecodeSgxCpuid(teedp::hw::TableCpuidSource(*table));
  if (sgx.sections.size() > teedp::hw::kMaxEpcSections) __builtin_trap();
  (void)sgx.SectionBytes();
  return 0;
}
