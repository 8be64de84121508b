#include "observe/listen_address.h"

#include <charconv>

#include "absl/strings/str_cat.h"

namespace teedp::observe {
namespace {

constexpr size_t kMaxHostLength = 253;  // the longest DNS name

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", std::string(text), "\" is not host:port: ", std::string(why)));
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// Inside brackets: hex digits, colons, dots (an embedded IPv4 tail) and a %zone.
bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.' || c == '%' || IsHostNameChar(c);
}

absl::StatusOr<int> ParsePort(std::string_view text, std::string_view port) {
  if (port.empty()) return Bad(text, "the port is missing");
  if (port.size() > 5) return Bad(text, "the port must be 0 to 65535");
  for (char c : port) {
    if (c < '0' || c > '9') return Bad(text, "the port must be a decimal number");
  }
  int value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc() || end != port.data() + port.size()) {
    return Bad(text, "the port must be a decimal number");
  }
  if (value > 65535) return Bad(text, "the port must be 0 to 65535");
  return value;
}

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Bad(text, "no \":port\" (use \":9464\")");
  std::string_view host = text.substr(0, colon);
  absl::StatusOr<int> port = ParsePort(text, text.substr(colon + 1));
  if (!port.ok()) return port.status();
  if (host.size() > kMaxHostLength + 2) return Bad(text, "the host is too long");
  if (host.starts_with('[')) {
    if (host.size() < 3 || !host.ends_with(']')) return Bad(text, "unbalanced brackets");
    host = host.substr(1, host.size() - 2);
    for (char c : host) {
      if (!IsIpv6Char(c)) return Bad(text, "not an IPv6 address inside the brackets");
    }
    if (host.find(':') == std::string_view::npos) {
      return Bad(text, "brackets are only for IPv6 addresses");
    }
    return ListenAddress{std::string(host), *port};
  }
  if (host.find(':') != std::string_view::npos) {
    return Bad(text, "an IPv6 address needs brackets, as in [::1]:9464");
  }
  for (char c : host) {
    if (!IsHostNameChar(c)) return Bad(text, "the host has characters no name or address has");
  }
  return ListenAddress{std::string(host), *port};
}

std::string FormatListenAddress(const ListenAddress& address) {
  if (address.host.find(':') != std::string::npos) {
    return absl::StrCat("[", address.host, "]:", address.port);
  }
  return absl::StrCat(address.host, ":", address.port);
}

}  // namespace teedp::observe
