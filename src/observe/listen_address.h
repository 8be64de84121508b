// Provides ListenAddress and ParseListenAddress for --metrics-address: "host:port" under
// common/host_port.h's rules, with a listener's two additions: ":port" for every interface, and
// port 0 for a free one the kernel picks. "[v6 address]:port" for IPv6.
// Thread safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/host_port.h"

namespace teedp::observe {

// host "" = every interface; an IPv6 literal is kept without brackets; port 0 = any free port.
using ListenAddress = HostPort;

inline constexpr HostPortRules kListenerRules{.empty_host_means_any = true,
                                              .port_zero_means_any = true};

// InvalidArgument naming the text and what is wrong (see ParseHostPort).
inline absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  return ParseHostPort(text, kListenerRules);
}

// "host:port", with brackets around an IPv6 host ("[::1]:9464"); ":port" for every interface.
inline std::string FormatListenAddress(const ListenAddress& address) {
  return FormatHostPort(address);
}

}  // namespace teedp::observe
