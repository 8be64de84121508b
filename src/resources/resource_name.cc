// ValidateResourceName (declared in epc_plan.h): the Kubernetes rules for extended resource names.
#include "absl/strings/str_cat.h"
#include "resources/device_id.h"
#include "resources/epc_plan.h"

namespace teedp::resources {
namespace {

constexpr size_t kMaxDomainLength = 253;
constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMaxNameLength = 63;
// Long enough for any well-formed name (253 + 1 + 63), bounded for absurd ones.
constexpr size_t kNameMessageChars = 320;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// An empty string when `label` is a DNS-1123 label, else why not.
std::string_view LabelProblem(std::string_view label) {
  if (label.empty()) return "has an empty label";
  if (label.size() > kMaxLabelLength) return "has a label longer than 63 characters";
  if (!IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) {
    return "has a label that does not start and end with a lower-case letter or digit";
  }
  for (char c : label) {
    if (!IsLowerAlnum(c) && c != '-') {
      return "may hold only lower-case letters, digits, '-' and '.'";
    }
  }
  return {};
}

std::string_view DomainProblem(std::string_view domain) {
  if (domain.empty()) return "has an empty domain";
  if (domain.size() > kMaxDomainLength) return "has a domain longer than 253 characters";
  size_t start = 0;
  while (true) {
    size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot - start);
    if (std::string_view problem = LabelProblem(label); !problem.empty()) return problem;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // Kubernetes reserves its own namespace for native resources.
  if (domain == "kubernetes.io" || domain.ends_with(".kubernetes.io")) {
    return "uses the reserved kubernetes.io domain";
  }
  return {};
}

std::string_view NameProblem(std::string_view name) {
  if (name.empty()) return "has an empty name after '/'";
  if (name.size() > kMaxNameLength) return "has a name longer than 63 characters";
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return "has a name that does not start and end with a letter or digit";
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return "may hold only letters, digits, '-', '_' and '.' after '/'";
    }
  }
  return {};
}

std::string_view ResourceNameProblem(std::string_view name) {
  // The API server treats "requests.<x>" as a quota on <x>, so such a name cannot be a resource.
  if (name.starts_with("requests.")) return "starts with the reserved prefix \"requests.\"";
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) return "is not of the form <domain>/<name>";
  if (name.find('/', slash + 1) != std::string_view::npos) return "has more than one '/'";
  std::string_view problem = DomainProblem(name.substr(0, slash));
  if (problem.empty()) problem = NameProblem(name.substr(slash + 1));
  return problem;
}

}  // namespace

absl::Status ValidateResourceName(std::string_view name) {
  std::string_view problem = ResourceNameProblem(name);
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("invalid extended resource name ",
                                                 QuoteForMessage(name, kNameMessageChars), ": ",
                                                 std::string(problem)));
}

}  // namespace teedp::resources
