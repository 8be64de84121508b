#include "common/host_port.h"

#include <arpa/inet.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace teedp {
namespace {

constexpr size_t kMaxNameLength = 253;  // the longest DNS name
constexpr size_t kMaxLabelLength = 63;

// Each checker returns what is wrong, or nullopt when the text is fine.
using Problem = std::optional<std::string>;

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Problem CheckLabel(std::string_view label) {
  if (label.empty()) return "the host has an empty label (\"..\", or a dot at an end)";
  if (label.size() > kMaxLabelLength) return "a label of the host is longer than 63 characters";
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return "the host has characters no name or address has";
    }
  }
  if (label.front() == '-' || label.back() == '-') return "a label of the host starts or ends in -";
  return std::nullopt;
}

// A DNS name, or a dotted-quad IPv4 address: a name never ends in an all-digit label.
Problem CheckNameOrIpv4(std::string_view host) {
  if (host.size() > kMaxNameLength) return "the host is longer than 253 characters";
  std::string_view last;
  for (size_t start = 0;;) {
    const size_t dot = host.find('.', start);
    last = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (Problem problem = CheckLabel(last)) return problem;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  in_addr ipv4{};
  if (IsDigits(last) && ::inet_pton(AF_INET, std::string(host).c_str(), &ipv4) != 1) {
    return "the host is not an IPv4 address (four numbers 0 to 255) and no name ends in digits";
  }
  return std::nullopt;
}

// An IPv6 address with an optional %zone (an interface name) for link-local addresses.
Problem CheckIpv6(std::string_view host) {
  const size_t percent = host.find('%');
  if (percent != std::string_view::npos) {
    const std::string_view zone = host.substr(percent + 1);
    if (zone.empty()) return "the IPv6 zone after % is empty";
    for (char c : zone) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
        return "the IPv6 zone has characters no interface name has";
      }
    }
  }
  in6_addr ipv6{};
  if (::inet_pton(AF_INET6, std::string(host.substr(0, percent)).c_str(), &ipv6) != 1) {
    return "not an IPv6 address";
  }
  return std::nullopt;
}

// `host` as written before ":port" or alone; brackets hold IPv6 addresses only. `bare_ipv6` says
// whether an IPv6 address may stand without them (not when a port follows).
absl::StatusOr<std::string> HostOrProblem(std::string_view host, bool bare_ipv6) {
  if (host.starts_with('[') || host.ends_with(']')) {
    if (host.size() < 3 || !host.starts_with('[') || !host.ends_with(']')) {
      return absl::InvalidArgumentError("unbalanced or empty brackets");
    }
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string_view::npos) {
      return absl::InvalidArgumentError("brackets are only for IPv6 addresses");
    }
    if (Problem problem = CheckIpv6(host)) {
      return absl::InvalidArgumentError(*problem + " inside the brackets");
    }
    return std::string(host);
  }
  if (host.find(':') != std::string_view::npos) {
    if (!bare_ipv6) return absl::InvalidArgumentError("an IPv6 address needs brackets: [::1]:9464");
    if (Problem problem = CheckIpv6(host)) return absl::InvalidArgumentError(*problem);
    return std::string(host);
  }
  if (host.empty()) return absl::InvalidArgumentError("the host is missing");
  if (Problem problem = CheckNameOrIpv4(host)) return absl::InvalidArgumentError(*problem);
  return std::string(host);
}

}  // namespace

absl::StatusOr<int> ParsePort(std::string_view text, bool zero_means_any) {
  const char* range = zero_means_any ? "0 to 65535" : "1 to 65535";
  if (text.empty()) return absl::InvalidArgumentError("the port is missing");
  if (!IsDigits(text)) {
    return absl::InvalidArgumentError(absl::StrCat("the port must be a decimal number, ", range));
  }
  int port = 0;
  for (char c : text) {
    port = port * 10 + (c - '0');
    if (port > 65535) break;  // also stops an overflow on a long run of digits
  }
  if (port > 65535 || (port == 0 && !zero_means_any)) {
    return absl::InvalidArgumentError(absl::StrCat("the port must be ", range));
  }
  return port;
}

absl::StatusOr<std::string> ParseHost(std::string_view text) {
  return HostOrProblem(text, /*bare_ipv6=*/true);
}

absl::StatusOr<HostPort> ParseHostPort(std::string_view text, HostPortRules rules) {
  auto bad = [text](const absl::Status& status) {
    return absl::InvalidArgumentError(absl::StrCat("\"", absl::CHexEscape(std::string(text)),
                                                   "\" is not host:port: ", status.message()));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return bad(absl::InvalidArgumentError("no \":port\" (as in \":9464\")"));
  }
  absl::StatusOr<int> port = ParsePort(text.substr(colon + 1), rules.port_zero_means_any);
  if (!port.ok()) return bad(port.status());
  const std::string_view host = text.substr(0, colon);
  if (host.empty() && rules.empty_host_means_any) return HostPort{"", *port};
  absl::StatusOr<std::string> parsed = HostOrProblem(host, /*bare_ipv6=*/false);
  if (!parsed.ok()) return bad(parsed.status());
  return HostPort{*std::move(parsed), *port};
}

std::string FormatHostPort(const HostPort& address) {
  if (address.host.find(':') != std::string::npos) {
    return absl::StrCat("[", address.host, "]:", address.port);
  }
  return absl::StrCat(address.host, ":", address.port);
}

}  // namespace teedp
