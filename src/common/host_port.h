// Provides HostPort and its parsers: the one set of rules for "host:port" (--metrics-address) and
// for a host or a port given apart (KUBERNETES_SERVICE_HOST and _PORT). A host is a DNS name
// (labels of letters, digits and inner hyphens), a dotted-quad IPv4 address, or an IPv6 address,
// which must be in brackets when a port follows; a port is decimal digits only.
// Thread safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace teedp {

struct HostPort {
  // A name, an IPv4 address or an IPv6 address without brackets (maybe with a %zone);
  // "" = every address, where the rules allow it.
  std::string host;
  int port = 0;  // 1..65535, or 0 where the rules allow it

  bool operator==(const HostPort&) const = default;
};

// What a caller allows beyond a host and a port from 1 to 65535: a listener takes both.
struct HostPortRules {
  bool empty_host_means_any = false;  // ":9464": every interface
  bool port_zero_means_any = false;   // ":0": a free port the kernel picks
};

// Parses "host:port", "[ipv6]:port" and, where allowed, ":port". InvalidArgument
// "\"<text>\" is not host:port: <what is wrong>" for no ":port", a port that is not decimal
// digits or out of range, an IPv6 address without brackets, brackets around anything else, or a
// host that is no name or address.
absl::StatusOr<HostPort> ParseHostPort(std::string_view text, HostPortRules rules);

// Parses a host given alone: a name, an IPv4 address or an IPv6 address, bare or in brackets;
// returns it without brackets. InvalidArgument saying what is wrong (not quoting the text: the
// caller names the setting it came from).
absl::StatusOr<std::string> ParseHost(std::string_view text);

// Parses a port given alone: decimal digits only, 1 to 65535 (0 too when `zero_means_any`).
// InvalidArgument saying what is wrong, not quoting the text.
absl::StatusOr<int> ParsePort(std::string_view text, bool zero_means_any = false);

// "host:port", "[ipv6]:port", or ":port" for the empty host: what ParseHostPort reads back.
std::string FormatHostPort(const HostPort& address);

}  // namespace teedp
