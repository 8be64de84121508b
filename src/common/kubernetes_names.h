// Provides the Kubernetes name grammars the plugin checks: DNS-1123 labels and subdomains (node
// names, resource name domains), the name part of a qualified name (resource names), and label
// values. One implementation; each caller words the fault for its own kind of name.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace teedp {

inline constexpr size_t kMaxDnsLabelLength = 63;
inline constexpr size_t kMaxDnsSubdomainLength = 253;
inline constexpr size_t kMaxQualifiedNameLength = 63;  // also label values

// What is wrong with a name, the first fault found from the left.
enum class NameFault : uint8_t {
  kNone,
  kEmpty,
  kTooLong,
  kEmptyLabel,    // subdomains: "a..b", ".a", "a."
  kLabelTooLong,  // subdomains: one label over kMaxDnsLabelLength
  kBadEnds,       // does not start and end with an allowed alphanumeric
  kBadCharacter,  // a character the grammar does not allow
};

// A DNS-1123 label: 1 to 63 of a-z, 0-9 and '-', starting and ending with a-z or 0-9.
NameFault DnsLabelFault(std::string_view label);

// A DNS-1123 subdomain: 1 to 253 characters of DNS-1123 labels joined by '.'. Faults inside a
// label are kEmptyLabel, kLabelTooLong, kBadEnds (of a label) and kBadCharacter.
NameFault DnsSubdomainFault(std::string_view name);

// The name part of a qualified name (after the '/' of "example.com/name"): 1 to 63 of letters,
// digits, '-', '_' and '.', starting and ending with a letter or digit.
NameFault QualifiedNamePartFault(std::string_view name);

// A label value: empty, or what QualifiedNamePartFault accepts.
NameFault LabelValueFault(std::string_view value);

}  // namespace teedp
