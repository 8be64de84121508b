// Byte sizes for flags, specs and reports.
#include "common/byte_size.h"

#include <array>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace teedp {
namespace {

struct Unit {
  std::string_view prefix;  // "" for bytes, "Ki", "Mi", ...
  int shift;
};
constexpr std::array<Unit, 7> kUnits = {
    {{"", 0}, {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}}};

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid byte size \"", std::string(text), "\": ", std::string(why)));
}

// Maps a suffix ("GiB", "Gi", "B", "") to its shift, or -1 when unknown.
int SuffixShift(std::string_view suffix) {
  if (suffix == "B") return 0;
  if (suffix.size() == 3 && suffix.back() == 'B') suffix.remove_suffix(1);
  for (const Unit& unit : kUnits) {
    if (unit.prefix == suffix) return unit.shift;
  }
  return -1;
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  if (text.front() == '-' || text.front() == '+') {
    return Invalid(text, "a size has no sign");
  }
  size_t pos = 0;
  uint64_t value = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[pos] - '0');
    if (value > (kMax - digit) / 10) return Invalid(text, "too large");
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == 0) return Invalid(text, "expected a number");
  std::string_view suffix = text.substr(pos);
  if (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  const int shift = SuffixShift(suffix);
  if (shift < 0) {
    return Invalid(text, "unknown unit (use B, KiB, MiB, GiB, TiB, PiB or EiB)");
  }
  if (shift > 0 && value > (kMax >> shift)) return Invalid(text, "too large");
  return value << shift;
}

std::string FormatByteSize(uint64_t bytes) {
  size_t index = 0;
  while (index + 1 < kUnits.size() && (bytes >> kUnits[index + 1].shift) != 0) ++index;
  const Unit* unit = &kUnits[index];
  const std::string unit_name = std::string(unit->prefix) + "B";
  const uint64_t whole = bytes >> unit->shift;
  const uint64_t rest = bytes - (whole << unit->shift);
  if (rest == 0) return absl::StrCat(whole, " ", unit_name);
  // Tenths, rounded half up. rest < 2^60, so rest * 10 + half stays below 2^64.
  const uint64_t half = uint64_t{1} << (unit->shift - 1);
  const uint64_t tenths = whole * 10 + ((rest * 10 + half) >> unit->shift);
  if (tenths >= 10240 && index + 1 < kUnits.size()) {
    // 1023.96 KiB rounds to 1024.0 KiB: say 1.0 MiB instead.
    return "1.0 " + std::string(kUnits[index + 1].prefix) + "B";
  }
  return absl::StrCat(tenths / 10, ".", tenths % 10, " ", unit_name);
}

}  // namespace teedp
