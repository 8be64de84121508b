#include "resources/device_id.h"

#include <array>
#include <limits>

namespace teedp::resources {
namespace {

constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
// UINT32_MAX is "1z141z3" in base 36: no canonical ID is longer, so longer input is rejected
// before any digit is looked at (an untrusted 100 KB ID costs nothing).
constexpr size_t kMaxIdLength = 7;
constexpr size_t kIdMessageChars = 64;

// The value of one lower-case base-36 digit, or -1.
int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return -1;
}

// How `c` is rendered inside the quotes of a message.
std::string_view RenderByte(unsigned char c, std::array<char, 4>* buffer) {
  if (c == '"' || c == '\\') {
    (*buffer)[0] = '\\';
    (*buffer)[1] = static_cast<char>(c);
    return std::string_view(buffer->data(), 2);
  }
  if (c >= 0x20 && c < 0x7f) {
    (*buffer)[0] = static_cast<char>(c);
    return std::string_view(buffer->data(), 1);
  }
  *buffer = {'\\', 'x', kDigits[c >> 4], kDigits[c & 0xf]};
  return std::string_view(buffer->data(), 4);
}

}  // namespace

void AppendDeviceId(uint32_t index, std::string* out) {
  std::array<char, kMaxIdLength> reversed;
  size_t length = 0;
  do {
    reversed[length++] = kDigits[index % 36];
    index /= 36;
  } while (index != 0);
  while (length > 0) out->push_back(reversed[--length]);
}

std::string DeviceId(uint32_t index) {
  std::string id;
  AppendDeviceId(index, &id);
  return id;
}

std::optional<uint32_t> ParseDeviceId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return std::nullopt;
  // Exactly one spelling per unit: "0" itself, otherwise no leading zero.
  if (id[0] == '0' && id.size() > 1) return std::nullopt;
  uint64_t value = 0;  // 7 digits fit easily: 36^7 < 2^37
  for (char c : id) {
    int digit = DigitValue(c);
    if (digit < 0) return std::nullopt;
    value = value * 36 + static_cast<uint64_t>(digit);
  }
  if (value > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::string QuoteForMessage(std::string_view text, size_t max_chars) {
  std::string out = "\"";
  size_t rendered = 0;
  bool cut = false;
  std::array<char, 4> buffer;
  for (char c : text) {
    std::string_view piece = RenderByte(static_cast<unsigned char>(c), &buffer);
    if (rendered + piece.size() > max_chars) {
      cut = true;
      break;
    }
    out.append(piece);
    rendered += piece.size();
  }
  out.push_back('"');
  if (cut) out.append("...");
  return out;
}

std::string QuoteIdForMessage(std::string_view id) { return QuoteForMessage(id, kIdMessageChars); }

}  // namespace teedp::resources
