// Provides parsers for the kernel's text interfaces: the SGX flags in /proc/cpuinfo and the
// decimal numbers in sysfs files.
// Thread safety: pure functions without state; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "hw/inventory.h"

namespace teedp::hw {

// Reads the first "flags<whitespace>: ..." line of /proc/cpuinfo text and looks for the exact
// tokens `sgx` and `sgx_lc`. Without such a line, returns readable = false (nothing known).
KernelSgxFlags ParseCpuinfoFlags(std::string_view cpuinfo);

// Parses a sysfs number: unsigned decimal digits with optional trailing whitespace/newline.
// Returns InvalidArgument naming `what` (usually the path) and the value (cut to 40 characters)
// for an empty value, a sign, non-digits or a value above 2^64-1.
absl::StatusOr<uint64_t> ParseSysfsU64(std::string_view text, std::string_view what);

}  // namespace teedp::hw
