// Fuzzes ParseByteSize and FormatByteSize: whole values formatted must parse back exactly.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/byte_size.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = teedp::ParseByteSize(text);
  if (parsed.ok()) {
    auto again = teedp::ParseByteSize(teedp::FormatByteSize(*parsed));
    // FormatByteSize may round ("93.5 MiB"), which ParseByteSize refuses; whole values round-trip.
    if (again.ok() && *again != *parsed) __builtin_trap();
  }
  if (size >= sizeof(uint64_t)) {
    uint64_t bytes = 0;
    std::memcpy(&bytes, data, sizeof(bytes));
    (void)teedp::FormatByteSize(bytes);
  }
  return 0;
}
