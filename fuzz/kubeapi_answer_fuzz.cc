// Fuzzes what kubeapi reads from the API server (error bodies, Node objects, quantities) and the
// JSON pointer escaping of resource names: bounded printable messages, no crash on any body,
// quantities that read back the same, escapes that undo exactly and patches that stay JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "kubeapi/api_answer.h"
#include "kubeapi/json_pointer.h"
#include "kubeapi/node_status_json.h"
#include "kubeapi/quantity.h"

namespace {

std::string Unescape(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

void CheckMessage(std::string_view body) {
  const std::string message = teedp::kubeapi::ApiErrorMessage(body);
  if (message.empty() || message.size() > teedp::kubeapi::kMaxApiMessage) __builtin_trap();
  for (char c : message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();
  }
}

void CheckQuantity(std::string_view text) {
  const std::optional<uint64_t> value = teedp::kubeapi::QuantityToInteger(text);
  if (value && teedp::kubeapi::QuantityToInteger(absl::StrCat(*value)) != value) __builtin_trap();
}

void CheckPointer(std::string_view name) {
  const std::string escaped = teedp::kubeapi::EscapeJsonPointerToken(name);
  if (escaped.find('/') != std::string::npos || Unescape(escaped) != name) __builtin_trap();
  const std::string patch = teedp::kubeapi::CapacityAddPatch(name, "1");
  if (nlohmann::json::parse(patch, nullptr, false).is_discarded()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckMessage(text);
  (void)teedp::kubeapi::CapacityFromNodeJson(text, "sgx.intel.com/epc");
  CheckQuantity(text);
  CheckPointer(text);
  return 0;
}
