#include "registration_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace teedp::emulator {
namespace {

constexpr size_t kMaxDomainBytes = 253;
constexpr size_t kMaxLabelBytes = 63;
constexpr size_t kMaxNameBytes = 63;

bool IsLowerAlnum(char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'z'); }

// One DNS label: lowercase alphanumerics and '-', starting and ending alphanumeric.
bool IsDnsLabel(absl::string_view label) {
  if (label.empty() || label.size() > kMaxLabelBytes) return false;
  if (!IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) return false;
  for (char c : label) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsDnsSubdomain(absl::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomainBytes) return false;
  for (absl::string_view label : absl::StrSplit(domain, '.')) {
    if (!IsDnsLabel(label)) return false;
  }
  return true;
}

// The name part of a qualified name: alphanumerics with '-', '_' or '.' inside.
bool IsQualifiedNamePart(absl::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  if (!absl::ascii_isalnum(name.front()) || !absl::ascii_isalnum(name.back())) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

absl::Status BadResourceName(absl::string_view name, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("the resource name \"", name, "\" is invalid: ", why));
}

}  // namespace

absl::Status ValidateExtendedResourceName(absl::string_view name) {
  size_t slash = name.find('/');
  if (slash == absl::string_view::npos) {
    return BadResourceName(name, "expected <domain>/<name>");
  }
  absl::string_view domain = name.substr(0, slash);
  absl::string_view short_name = name.substr(slash + 1);
  // The kubelet treats anything under kubernetes.io as a native resource, never a plugin's.
  if (domain == "kubernetes.io" || absl::EndsWith(domain, ".kubernetes.io")) {
    return BadResourceName(name, "the kubernetes.io domain is reserved for native resources");
  }
  if (!IsDnsSubdomain(domain)) return BadResourceName(name, "the domain is not a DNS subdomain");
  if (!IsQualifiedNamePart(short_name)) {
    return BadResourceName(name, "the name after '/' is not a qualified name");
  }
  return absl::OkStatus();
}

absl::Status ValidateEndpoint(absl::string_view endpoint) {
  if (endpoint.empty() || endpoint == "." || endpoint == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint \"", endpoint, "\" is not a socket file name"));
  }
  if (absl::StrContains(endpoint, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint \"", endpoint,
                     "\" must be a socket file name in the plugin directory, not a path"));
  }
  if (endpoint == kKubeletSocketName) {
    return absl::InvalidArgumentError("endpoint \"kubelet.sock\" is the kubelet's own socket");
  }
  return absl::OkStatus();
}

absl::Status ValidateRegisterRequest(const v1beta1::RegisterRequest& request) {
  if (request.version() != kSupportedVersion) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported version \"", request.version(),
                                                   "\": the kubelet supports ", kSupportedVersion));
  }
  if (absl::Status status = ValidateExtendedResourceName(request.resource_name()); !status.ok()) {
    return status;
  }
  return ValidateEndpoint(request.endpoint());
}

absl::StatusOr<std::string> UnixSocketAddress(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat("socket path \"", path, "\" is not absolute"));
  }
  if (path.size() > kMaxUnixSocketPathBytes) {
    return absl::InvalidArgumentError(absl::StrCat("socket path \"", path, "\" is ", path.size(),
                                                   " bytes; unix sockets allow at most ",
                                                   kMaxUnixSocketPathBytes));
  }
  return absl::StrCat("unix:", path);
}

}  // namespace teedp::emulator
