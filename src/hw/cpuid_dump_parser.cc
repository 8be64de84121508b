// Line-by-line CPUID dump parser for the AIDA64/InstLatx64 and `cpuid -r` formats.
#include "hw/cpuid_dump_parser.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace teedp::hw {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Length of the run of hex digits at the start of `s`.
size_t HexRun(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && HexDigit(s[n]) >= 0) ++n;
  return n;
}

// Consumes a run of 1..max_digits hex digits from `s` into `out`; false when the run is empty
// or longer than max_digits (a longer run is a typo, not a value to truncate).
bool TakeHex(std::string_view& s, size_t max_digits, uint32_t* out) {
  const size_t n = HexRun(s);
  if (n == 0 || n > max_digits) return false;
  uint32_t value = 0;
  for (size_t i = 0; i < n; ++i) value = (value << 4) | static_cast<uint32_t>(HexDigit(s[i]));
  s.remove_prefix(n);
  *out = value;
  return true;
}

bool Take(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

struct RegisterLine {
  uint32_t leaf = 0;
  std::optional<uint32_t> subleaf;
  CpuidRegs regs;
};

enum class LineKind { kOther, kHeader, kRegister, kMalformed };

struct Classified {
  LineKind kind = LineKind::kOther;
  RegisterLine reg;
  const char* error = "";  // for kMalformed
};

Classified Malformed(const char* why) { return {LineKind::kMalformed, {}, why}; }

// `rest` follows "CPUID LLLLLLLL:"; reads "EAX-EBX-ECX-EDX" and an optional "[SL xx]".
Classified ParseAidaRegisters(std::string_view rest, uint32_t leaf) {
  Classified out{LineKind::kRegister, {}, {}};
  out.reg.leaf = leaf;
  uint32_t* regs[] = {&out.reg.regs.eax, &out.reg.regs.ebx, &out.reg.regs.ecx, &out.reg.regs.edx};
  while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
  for (int i = 0; i < 4; ++i) {
    if (HexRun(rest) != 8 || !TakeHex(rest, 8, regs[i])) {
      return Malformed("expected EAX-EBX-ECX-EDX, 8 hex digits each");
    }
    if (i < 3 && !Take(rest, "-")) return Malformed("expected '-' between registers");
  }
  if (!rest.empty() && !IsSpace(rest.front()) && rest.front() != '[') {
    return Malformed("unexpected text after EDX");
  }
  rest = TrimSpace(rest);
  if (Take(rest, "[SL ")) {
    uint32_t subleaf = 0;
    if (!TakeHex(rest, 8, &subleaf) || !Take(rest, "]")) return Malformed("bad [SL xx] tag");
    out.reg.subleaf = subleaf;
  }
  return out;
}

// "CPUID 00000012: ..." (AIDA). Lines such as "CPUID Manufacturer: ..." are not registers.
Classified ClassifyAida(std::string_view line) {
  std::string_view rest = line.substr(6);  // after "CPUID "
  const size_t n = HexRun(rest);
  const bool colon = n > 0 && n < rest.size() && rest[n] == ':';
  // "CPUID CPU Name: ..." starts with a hex letter; only 8 digits or digits plus ':' are an
  // attempt.
  if (n != 8 && !colon) return {};
  if (!colon) return Malformed("expected ':' after the leaf");
  uint32_t leaf = 0;
  if (n != 8 || !TakeHex(rest, 8, &leaf)) return Malformed("leaf must be 8 hex digits");
  rest.remove_prefix(1);  // ':'
  return ParseAidaRegisters(rest, leaf);
}

// "0x00000012 0x02: eax=0x40200001 ebx=0x00000000 ecx=0x05d80001 edx=0x00000000" (cpuid -r).
Classified ClassifyCpuidTool(std::string_view line) {
  Classified out{LineKind::kRegister, {}, {}};
  std::string_view rest = line.substr(2);  // after "0x"
  if (!TakeHex(rest, 8, &out.reg.leaf)) return Malformed("leaf must be 1 to 8 hex digits");
  uint32_t subleaf = 0;
  if (Take(rest, " 0x")) {
    if (!TakeHex(rest, 8, &subleaf)) return Malformed("sub-leaf must be 1 to 8 hex digits");
    out.reg.subleaf = subleaf;
  }
  if (!Take(rest, ":")) return Malformed("expected ':' after the leaf");
  const std::string_view names[] = {" eax=0x", " ebx=0x", " ecx=0x", " edx=0x"};
  uint32_t* regs[] = {&out.reg.regs.eax, &out.reg.regs.ebx, &out.reg.regs.ecx, &out.reg.regs.edx};
  for (int i = 0; i < 4; ++i) {
    if (!Take(rest, names[i]) || !TakeHex(rest, 8, regs[i])) {
      return Malformed("expected eax=0x... ebx=0x... ecx=0x... edx=0x... (up to 8 hex digits)");
    }
  }
  if (!TrimSpace(rest).empty()) return Malformed("unexpected text after edx");
  return out;
}

bool IsCpuHeader(std::string_view line) {
  if (line.substr(0, 7) == "------[" || line.substr(0, 4) == "CPU#" || line == "CPU:") {
    return true;
  }
  // `cpuid -r`: "CPU 0:", "CPU 12:"
  if (!Take(line, "CPU ")) return false;
  size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  return digits > 0 && line.substr(digits) == ":";
}

Classified Classify(std::string_view raw) {
  const std::string_view line = TrimSpace(raw);
  if (IsCpuHeader(line)) return {LineKind::kHeader, {}, {}};
  if (line.substr(0, 6) == "CPUID ") return ClassifyAida(line);
  if (line.size() > 2 && line.substr(0, 2) == "0x" && HexDigit(line[2]) >= 0) {
    return ClassifyCpuidTool(line);
  }
  return {};
}

}  // namespace

absl::StatusOr<CpuidTable> ParseCpuidDump(std::string_view text) {
  CpuidTable table;
  std::optional<std::pair<uint32_t, uint32_t>> previous;
  size_t line_number = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const Classified c = Classify(line);
    if (c.kind == LineKind::kOther) continue;
    if (c.kind == LineKind::kHeader) {
      if (table.empty()) continue;
      break;  // the next logical CPU begins
    }
    if (c.kind == LineKind::kMalformed) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": malformed CPUID register line: ", c.error));
    }
    uint32_t subleaf = 0;
    if (c.reg.subleaf) {
      subleaf = *c.reg.subleaf;
    } else if (previous && previous->first == c.reg.leaf) {
      subleaf = previous->second + 1;  // untagged repeats of one leaf are its sub-leaves
    }
    const std::pair<uint32_t, uint32_t> key{c.reg.leaf, subleaf};
    if (!table.emplace(key, c.reg.regs).second) break;  // a repeat: the next logical CPU
    previous = key;
  }
  if (table.empty()) return absl::InvalidArgumentError("no CPUID register lines found");
  return table;
}

}  // namespace teedp::hw
