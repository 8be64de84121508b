// Provides the device IDs of every resource's units: short, stable for the same hardware (the
// kubelet checkpoints them), and with exactly one spelling per unit so duplicates cannot hide
// behind aliases. Format: the unit index in lower-case base 36 without leading zeros ("0", "1",
// ..., "a", "10"). Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace teedp::resources {

std::string DeviceId(uint32_t index);
// Appends the ID to `out` without a temporary (used on the ListAndWatch hot path).
void AppendDeviceId(uint32_t index, std::string* out);
// The index of a canonical ID, or nullopt for anything else (empty, leading zero, upper case,
// other characters, overflow). Does not check against a plan's unit count.
std::optional<uint32_t> ParseDeviceId(std::string_view id);

// A printable, bounded rendering of an untrusted ID for error messages: at most 64 characters,
// bytes outside printable ASCII escaped as \xNN, "..." appended when cut.
// The result is wrapped in double quotes (`"ab\x00"`); `"` and `\` inside are escaped with a
// backslash so the rendering is unambiguous. The 64-character bound applies to the rendered text
// between the quotes and never splits an escape; when input was cut, "..." follows the closing
// quote (`"aaaa"...`), so a cut is never mistaken for part of the ID.
std::string QuoteIdForMessage(std::string_view id);

// QuoteIdForMessage with a caller-chosen bound on the rendered text between the quotes, for other
// untrusted strings (resource names, paths) in error messages.
std::string QuoteForMessage(std::string_view text, size_t max_chars);

}  // namespace teedp::resources
