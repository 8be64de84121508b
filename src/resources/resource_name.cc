#include "resources/resource_name.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/kubernetes_names.h"
#include "resources/device_id.h"

namespace teedp::resources {
namespace {

// Long enough for any well-formed name (253 + 1 + 63), bounded for absurd ones.
constexpr size_t kNameMessageChars = 320;

std::string_view DomainProblem(std::string_view domain) {
  switch (DnsSubdomainFault(domain)) {
    case NameFault::kNone:
      break;
    case NameFault::kEmpty:
      return "has an empty domain";
    case NameFault::kTooLong:
      return "has a domain longer than 253 characters";
    case NameFault::kEmptyLabel:
      return "has an empty label";
    case NameFault::kLabelTooLong:
      return "has a label longer than 63 characters";
    case NameFault::kBadEnds:
      return "has a label that does not start and end with a lower-case letter or digit";
    case NameFault::kBadCharacter:
      return "may hold only lower-case letters, digits, '-' and '.'";
  }
  // Kubernetes reserves its own namespace for native resources.
  if (domain == "kubernetes.io" || domain.ends_with(".kubernetes.io")) {
    return "uses the reserved kubernetes.io domain";
  }
  return {};
}

std::string_view NameProblem(std::string_view name) {
  switch (QualifiedNamePartFault(name)) {
    case NameFault::kNone:
      return {};
    case NameFault::kEmpty:
      return "has an empty name after '/'";
    case NameFault::kTooLong:
      return "has a name longer than 63 characters";
    case NameFault::kBadCharacter:
      return "may hold only letters, digits, '-', '_' and '.' after '/'";
    default:
      return "has a name that does not start and end with a letter or digit";
  }
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

absl::StatusOr<ResourceName> ResourceName::Parse(std::string_view text) {
  std::string_view problem = ResourceNameProblem(text);
  if (problem.empty()) return ResourceName(std::string(text));
  return absl::InvalidArgumentError(absl::StrCat("invalid extended resource name ",
                                                 QuoteForMessage(text, kNameMessageChars), ": ",
                                                 std::string(problem)));
}

ResourceName ResourceName::BuiltIn(std::string_view text) {
  if (!ResourceNameProblem(text).empty()) std::abort();
  return ResourceName(std::string(text));
}

std::string_view ResourceName::name_part() const { return NamePart(text_); }

std::string_view NamePart(std::string_view resource_name) {
  const size_t slash = resource_name.rfind('/');
  return slash == std::string_view::npos ? resource_name : resource_name.substr(slash + 1);
}

}  // namespace teedp::resources
