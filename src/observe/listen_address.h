// Provides ListenAddress and ParseListenAddress for --metrics-address: "host:port", ":port" (every
// interface), "[v6 address]:port"; port 0 lets the kernel choose.
// Thread safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace teedp::observe {

struct ListenAddress {
  std::string host;  // "" = every interface; an IPv6 literal is kept without brackets
  int port = 0;      // 0..65535; 0 = any free port
};

// InvalidArgument naming the text and what is wrong: no ":port", a port that is not a decimal
// number from 0 to 65535, an IPv6 address without brackets, or a host with characters no host
// name or address has.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

// "host:port", with brackets around an IPv6 host ("[::1]:9464"); ":port" for every interface.
std::string FormatListenAddress(const ListenAddress& address);

}  // namespace teedp::observe
