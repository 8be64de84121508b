// Fuzzes ParseCpuinfoFlags: any bytes, never a crash; a flag implies a flags line was seen.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hw/cpuinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const teedp::hw::KernelSgxFlags flags = teedp::hw::ParseCpuinfoFlags(text);
  if ((flags.sgx || flags.sgx_lc) && !flags.readable) __builtin_trap();
  return 0;
}
