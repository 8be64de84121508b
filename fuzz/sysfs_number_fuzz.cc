// Fuzzes ParseSysfsU64: accepted values must print back to the same digits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hw/cpuinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto value = teedp::hw::ParseSysfsU64(text, "/sys/fuzz");
  if (!value.ok()) return 0;
  const std::string digits = std::to_string(*value);
  // Leading zeros are accepted ("007"), so compare numerically via a re-parse.
  auto again = teedp::hw::ParseSysfsU64(digits, "/sys/fuzz");
  if (!again.ok() || *again != *value) __builtin_trap();
  return 0;
}
