#include "resources/unit_name.h"

#include <array>
#include <cctype>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"

namespace teedp::resources {
namespace {

bool EndsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<uint64_t> UnitNamedBy(std::string_view resource_name) {
  constexpr std::array<std::pair<std::string_view, uint64_t>, 4> kSuffixes = {{
      {"kib", uint64_t{1} << 10},
      {"mib", uint64_t{1} << 20},
      {"gib", uint64_t{1} << 30},
      {"tib", uint64_t{1} << 40},
  }};
  for (const auto& [suffix, bytes] : kSuffixes) {
    if (!EndsWithIgnoringCase(resource_name, suffix)) continue;
    std::string_view rest = resource_name.substr(0, resource_name.size() - suffix.size());
    // An optional count right before the suffix: "_2MiB" is two mebibytes.
    uint64_t count = 0;
    size_t digits = 0;
    while (digits < rest.size() && digits < 6 &&
           std::isdigit(static_cast<unsigned char>(rest[rest.size() - 1 - digits]))) {
      ++digits;
    }
    for (char c : rest.substr(rest.size() - digits)) count = count * 10 + (c - '0');
    return (digits == 0 ? 1 : count) * bytes;
  }
  return std::nullopt;
}

absl::Status CheckUnitMatchesName(std::string_view resource_name, uint64_t unit_bytes) {
  std::optional<uint64_t> named = UnitNamedBy(resource_name);
  if (!named || *named == unit_bytes) return absl::OkStatus();
  // "1 GiB" -> "GiB", "2 MiB" -> "2MiB": how a resource name would spell the unit.
  std::string spelled = FormatByteSize(unit_bytes);
  if (spelled.starts_with("1 ")) {
    spelled.erase(0, 2);
  } else {
    std::erase(spelled, ' ');
  }
  return absl::InvalidArgumentError(
      absl::StrCat("resource name \"", std::string(resource_name), "\" counts units of ",
                   FormatByteSize(*named), " but the EPC unit is ", FormatByteSize(unit_bytes),
                   ": use a name that says so (for example example.com/sgx_epc_mem_in_", spelled,
                   ") or the unit the name says"));
}

}  // namespace teedp::resources
