// Provides ResourceName, an extended resource name that Kubernetes accepts. It is checked once,
// where it enters (a flag, a config file key, a built-in name); the layers that take one never
// check it again.
// Thread safety: an immutable value.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace teedp::resources {

class ResourceName {
 public:
  // InvalidArgument naming the value (quoted, cut when absurdly long) and the rule it breaks when
  // `text` is not `<domain>/<name>` as Kubernetes requires for extended resources: the domain a
  // DNS subdomain other than kubernetes.io, the name a qualified name, no "requests." prefix.
  static absl::StatusOr<ResourceName> Parse(std::string_view text);
  // One of the plugin's own names. REQUIRES: valid (resource_name_test parses every one);
  // aborts otherwise.
  static ResourceName BuiltIn(std::string_view text);

  const std::string& str() const { return text_; }
  std::string_view name_part() const;  // NamePart(str())

  // clang-tidy 14 takes the 0 that the defaulted <=> compares with for a null pointer constant.
  friend auto operator<=>(const ResourceName&,
                          const ResourceName&) = default;  // NOLINT(modernize-use-nullptr)

 private:
  explicit ResourceName(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// What follows the last '/' of a resource name (all of it when there is none). The kubelet edge
// names a resource's socket after it, so two served resources must differ in it.
std::string_view NamePart(std::string_view resource_name);

}  // namespace teedp::resources
