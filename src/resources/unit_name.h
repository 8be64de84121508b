// Provides the check that an EPC resource name and the unit it is counted in agree: a pod that
// asks for `..._in_MiB: 10` must not get 10 GiB, or 10 units of 2 MiB.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace teedp::resources {

// The unit a resource name spells at its end ("..._in_MiB" -> 1 MiB, "..._2MiB" -> 2 MiB,
// "..._GiB" -> 1 GiB; KiB and TiB likewise, case-insensitive), or nullopt for a name that names
// no unit ("sgx.example.com/epc").
std::optional<uint64_t> UnitNamedBy(std::string_view resource_name);

// InvalidArgument naming both when the name spells a unit other than `unit_bytes`.
absl::Status CheckUnitMatchesName(std::string_view resource_name, uint64_t unit_bytes);

}  // namespace teedp::resources
