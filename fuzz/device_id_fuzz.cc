// Fuzzes ParseDeviceId and QuoteIdForMessage: whatever parses must print back byte-for-byte
// (one spelling per unit), and a quoted rendering is always bounded and printable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "resources/device_id.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view id(reinterpret_cast<const char*>(data), size);
  std::optional<uint32_t> index = teedp::resources::ParseDeviceId(id);
  if (index) {
    Check(teedp::resources::DeviceId(*index) == id);
    std::string appended = "p";
    teedp::resources::AppendDeviceId(*index, &appended);
    Check(std::string_view(appended).substr(1) == id);
  }
  const std::string quoted = teedp::resources::QuoteIdForMessage(id);
  // Two quotes, at most 64 rendered characters, then "..." when cut.
  Check(quoted.size() >= 2 && quoted.size() <= 64 + 2 + 3 && quoted.front() == '"');
  for (char c : quoted) Check(c >= 0x20 && c < 0x7f);
  Check((quoted.size() > 2 + 3 && quoted.ends_with("\"...")) || quoted.back() == '"');
  return 0;
}
