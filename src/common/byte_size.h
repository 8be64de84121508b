// Provides ParseByteSize and FormatByteSize: the one place sizes typed by people ("4GiB") become
// bytes and bytes become text people read ("93.5 MiB").
// Thread safety: pure functions without state; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace teedp {

// Parses a non-negative decimal integer with an optional binary suffix: Ki, Mi, Gi, Ti, Pi, Ei,
// each optionally followed by "B", or "B" alone, or nothing (bytes). One optional space may sit
// between number and suffix ("4 GiB", as FormatByteSize prints whole values). Decimal suffixes
// ("4G", "4GB") are refused because they are ambiguous between 10^9 and 2^30.
// Returns the byte count, or InvalidArgument quoting the value for an empty string, a sign,
// junk, an unknown suffix or a result above 2^64-1.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);

// Renders bytes in the largest binary unit not above the value: "512 B", "4 GiB", "1 TiB".
// Values that are not a whole number of that unit get one decimal ("93.5 MiB"); the decimal is
// rounded, so a ".0" ending means "close to, not exactly".
std::string FormatByteSize(uint64_t bytes);

}  // namespace teedp
