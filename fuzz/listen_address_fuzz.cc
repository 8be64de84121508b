// Fuzzes ParseListenAddress (--metrics-address): whatever parses must format and parse back to the
// same host and port.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "observe/listen_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = teedp::observe::ParseListenAddress(text);
  if (!parsed.ok()) return 0;
  if (parsed->port < 0 || parsed->port > 65535) __builtin_trap();
  auto again = teedp::observe::ParseListenAddress(teedp::observe::FormatListenAddress(*parsed));
  if (!again.ok() || again->host != parsed->host || again->port != parsed->port) __builtin_trap();
  return 0;
}
