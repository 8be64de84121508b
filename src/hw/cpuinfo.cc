// /proc/cpuinfo flags and sysfs numbers.
#include "hw/cpuinfo.h"

#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace teedp::hw {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The flags of a "flags\t\t: fpu vme ..." line, or nullopt when `line` is not one.
std::optional<std::string_view> FlagsOf(std::string_view line) {
  if (line.substr(0, 5) != "flags") return std::nullopt;
  line.remove_prefix(5);
  size_t pos = 0;
  while (pos < line.size() && IsBlank(line[pos])) ++pos;
  if (pos >= line.size() || line[pos] != ':') return std::nullopt;
  return line.substr(pos + 1);
}

}  // namespace

KernelSgxFlags ParseCpuinfoFlags(std::string_view cpuinfo) {
  KernelSgxFlags out;
  for (size_t pos = 0; pos < cpuinfo.size();) {
    size_t end = cpuinfo.find('\n', pos);
    if (end == std::string_view::npos) end = cpuinfo.size();
    const std::optional<std::string_view> flags = FlagsOf(cpuinfo.substr(pos, end - pos));
    pos = end + 1;
    if (!flags) continue;
    out.readable = true;
    std::string_view rest = *flags;
    while (!rest.empty()) {
      size_t start = 0;
      while (start < rest.size() && IsBlank(rest[start])) ++start;
      size_t stop = start;
      while (stop < rest.size() && !IsBlank(rest[stop])) ++stop;
      const std::string_view token = rest.substr(start, stop - start);
      if (token == "sgx") out.sgx = true;
      if (token == "sgx_lc") out.sgx_lc = true;
      rest.remove_prefix(stop);
    }
    break;  // the first CPU speaks for all: the kernel keeps one capability set
  }
  return out;
}

absl::StatusOr<uint64_t> ParseSysfsU64(std::string_view text, std::string_view what) {
  std::string_view digits = text;
  while (!digits.empty() && IsBlank(digits.back())) digits.remove_suffix(1);
  auto invalid = [&](std::string_view why) {
    constexpr size_t kShown = 40;
    // Escaped: a corrupt file may hold NULs or control bytes that would garble the log.
    std::string shown = absl::CHexEscape(std::string(text.substr(0, kShown)));
    if (text.size() > kShown) shown += "...";
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": ", std::string(why), " \"", shown, "\""));
  };
  if (digits.empty()) return invalid("expected a decimal number, got");
  uint64_t value = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : digits) {
    if (c < '0' || c > '9') return invalid("expected a decimal number, got");
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return invalid("number too large:");
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace teedp::hw
