// Provides ParseCpuidDump: turns a CPUID dump (AIDA64/InstLatx64 text, or `cpuid -r` from Todd
// Allen's cpuid tool) into a CpuidTable for TableCpuidSource.
// Thread safety: a pure function without state; safe to call from any thread.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "hw/cpuid_source.h"

namespace teedp::hw {

// Reads the registers of the FIRST logical CPU in `text`; the format is recognised line by line.
//  - AIDA64/InstLatx64: `CPUID 00000012: 00000001-00000000-00000000-0000241F [SL 00] [...]`.
//    Without an `[SL xx]` tag, consecutive lines of one leaf are sub-leaves 0, 1, 2, ...
//    Other lines, including `CPUID Manufacturer: ...`, are ignored.
//  - cpuid -r: `   0x00000012 0x02: eax=0x40200001 ebx=0x00000000 ecx=0x05d80001 edx=0x0`
//    (the sub-leaf may be absent; then the AIDA rule above applies).
// The first CPU's block ends at a header line after registers were seen (`------[ ... ]------`,
// `CPU#001 ...`, `CPU 1:`, `CPU:`) or when a (leaf, sub-leaf) repeats (files that separate CPUs
// by blank lines only start the next CPU with leaf 0 again).
// Returns InvalidArgument "line N: ..." for a line that starts like a register line but is
// malformed (truncated, non-hex digits), and InvalidArgument "no CPUID register lines found" when
// nothing parses. Runs in time linear in the input and accepts any bytes, including NUL.
absl::StatusOr<CpuidTable> ParseCpuidDump(std::string_view text);

}  // namespace teedp::hw
