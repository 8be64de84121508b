#include "common/kubernetes_names.h"

namespace teedp {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

NameFault DnsLabelFault(std::string_view label) {
  if (label.empty()) return NameFault::kEmpty;
  if (label.size() > kMaxDnsLabelLength) return NameFault::kTooLong;
  if (!IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) return NameFault::kBadEnds;
  for (char c : label) {
    if (!IsLowerAlnum(c) && c != '-') return NameFault::kBadCharacter;
  }
  return NameFault::kNone;
}

NameFault DnsSubdomainFault(std::string_view name) {
  if (name.empty()) return NameFault::kEmpty;
  if (name.size() > kMaxDnsSubdomainLength) return NameFault::kTooLong;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    switch (DnsLabelFault(name.substr(start, dot - start))) {
      case NameFault::kNone:
        break;
      case NameFault::kEmpty:
        return NameFault::kEmptyLabel;
      case NameFault::kTooLong:
        return NameFault::kLabelTooLong;
      case NameFault::kBadCharacter:
        return NameFault::kBadCharacter;
      default:
        return NameFault::kBadEnds;
    }
    if (dot == std::string_view::npos) return NameFault::kNone;
    start = dot + 1;
  }
}

NameFault QualifiedNamePartFault(std::string_view name) {
  if (name.empty()) return NameFault::kEmpty;
  if (name.size() > kMaxQualifiedNameLength) return NameFault::kTooLong;
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) return NameFault::kBadEnds;
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return NameFault::kBadCharacter;
  }
  return NameFault::kNone;
}

NameFault LabelValueFault(std::string_view value) {
  return value.empty() ? NameFault::kNone : QualifiedNamePartFault(value);
}

}  // namespace teedp
