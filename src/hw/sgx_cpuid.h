// Provides DecodeSgxCpuid: what CPUID leaves 0, 7 and 0x12 say about SGX, as an SgxCpuid value
// (declared in inventory.h together with the rest of the inventory).
// Thread safety: a pure function of its source; safe to call from any thread.
#pragma once

#include <cstdint>

#include "hw/cpuid_source.h"
#include "hw/inventory.h"

namespace teedp::hw {

inline constexpr uint32_t kSgxLeaf = 0x12;
// The kernel reads at most 8 EPC sections (sub-leaves 2..9); so do we.
inline constexpr int kMaxEpcSections = 8;

// Decodes SGX support. Leaf 7 is read only when CPUID.0.EAX >= 7 and leaf 0x12 only when it is
// >= 0x12. EPC sections are sub-leaves 2, 3, ... until one of type 0, a missing one (AIDA dumps
// print no terminating sub-leaf), one of an unknown type (recorded in unknown_section_type), or
// 8 sections. States: kNoSgx (no leaf 0, no SGX bit, or max leaf < 0x12); kDisabled (SGX bit set
// but every recorded leaf 0x12 sub-leaf is zero); kUnknown (no leaf 0x12, or sub-leaf 0 present
// but no sub-leaf 2); else kSections. Never fails: missing leaves read as "not known".
SgxCpuid DecodeSgxCpuid(const CpuidSource& source);

}  // namespace teedp::hw
