// Fuzzes the operator's resource settings: ResourceName::Parse, the unit a name spells
// (UnitNamedBy, CheckUnitMatchesName), ParseProfile, and --epc-unit (ParseByteSize then
// EpcUnitSize::FromBytes). Accepted names are plain ASCII <domain>/<name> of bounded length,
// refusals say something, a name always agrees with the unit it spells, and units follow their
// rule.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/byte_size.h"
#include "resources/epc_unit_size.h"
#include "resources/profile.h"
#include "resources/resource_name.h"
#include "resources/unit_name.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

bool NameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '/';
}

void CheckName(const std::string& name) {
  absl::Status status = teedp::resources::ResourceName::Parse(name).status();
  if (status.ok()) {
    Check(name.size() <= 253 + 1 + 63);
    Check(name.find('/') != std::string::npos && name.find('/') == name.rfind('/'));
    for (char c : name) Check(NameCharacter(c));
  } else {
    Check(!status.message().empty() && status.message().size() < 1024);
  }
}

void CheckUnit(const std::string& name, uint64_t unit_bytes) {
  std::optional<uint64_t> named = teedp::resources::UnitNamedBy(name);
  absl::Status status = teedp::resources::CheckUnitMatchesName(name, unit_bytes);
  Check(status.ok() == (!named || *named == unit_bytes));
  if (named) Check(teedp::resources::CheckUnitMatchesName(name, *named).ok());
}

void CheckEpcUnit(const std::string& text) {
  absl::StatusOr<uint64_t> bytes = teedp::ParseByteSize(text);
  if (!bytes.ok()) return;
  const uint64_t b = *bytes;
  const bool rule = b >= (uint64_t{1} << 20) && b <= (uint64_t{1} << 30) && (b & (b - 1)) == 0;
  Check(teedp::resources::EpcUnitSize::FromBytes(b).ok() == rule);
}

void CheckProfile(const std::string& text) {
  absl::StatusOr<teedp::resources::Profile> profile = teedp::resources::ParseProfile(text);
  if (profile.ok()) {
    Check(teedp::resources::ParseProfile(teedp::resources::ProfileName(*profile)).value() ==
          *profile);
  } else {
    Check(!profile.status().message().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const uint64_t unit = input.ConsumeBool() ? uint64_t{1} << input.ConsumeIntegralInRange(0, 63)
                                            : input.ConsumeIntegral<uint64_t>();
  const std::string text = input.ConsumeRemainingBytesAsString();
  CheckName(text);
  CheckUnit(text, unit);
  CheckEpcUnit(text);
  CheckProfile(text);
  return 0;
}
