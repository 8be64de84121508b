// Decoding of CPUID leaves 7 and 0x12 for SGX (Intel SDM vol. 3D, "Enumeration of SGX").
#include "hw/sgx_cpuid.h"

namespace teedp::hw {
namespace {

constexpr uint32_t kSectionTypeMask = 0xF;
constexpr uint32_t kSectionTypeEnd = 0;
constexpr uint32_t kSectionTypeEpc = 1;
constexpr uint32_t kLow4KMask = 0xFFFFF000;
constexpr uint32_t kHigh20Mask = 0xFFFFF;

bool Bit(uint32_t value, int bit) { return ((value >> bit) & 1) != 0; }
bool AllZero(const CpuidRegs& r) { return r == CpuidRegs{}; }

EpcSection DecodeSection(const CpuidRegs& r) {
  EpcSection section;
  section.base = (r.eax & kLow4KMask) + (static_cast<uint64_t>(r.ebx & kHigh20Mask) << 32);
  section.size = (r.ecx & kLow4KMask) + (static_cast<uint64_t>(r.edx & kHigh20Mask) << 32);
  section.property = r.ecx & 0xF;
  return section;
}

// Reads sub-leaves 2.. into out->sections. Returns true when sub-leaf 2 was present at all.
bool ReadSections(const CpuidSource& source, SgxCpuid* out) {
  for (int i = 0; i < kMaxEpcSections; ++i) {
    const std::optional<CpuidRegs> regs = source.Query(kSgxLeaf, 2 + static_cast<uint32_t>(i));
    if (!regs) return i > 0;  // AIDA prints no terminating sub-leaf: a gap ends the list
    const uint32_t type = regs->eax & kSectionTypeMask;
    if (type == kSectionTypeEnd) return true;
    if (type != kSectionTypeEpc) {
      out->unknown_section_type = type;
      return true;
    }
    out->sections.push_back(DecodeSection(*regs));
  }
  return true;
}

}  // namespace

uint64_t SgxCpuid::SectionBytes() const {
  uint64_t total = 0;
  for (const EpcSection& section : sections) total += section.size;  // < 8 * 2^52: no overflow
  return total;
}

SgxCpuid DecodeSgxCpuid(const CpuidSource& source) {
  SgxCpuid out;
  const std::optional<CpuidRegs> leaf0 = source.Query(0, 0);
  if (!leaf0) return out;
  out.max_basic_leaf = leaf0->eax;
  if (out.max_basic_leaf >= 7) {
    if (const std::optional<CpuidRegs> leaf7 = source.Query(7, 0)) {
      out.has_leaf7 = true;
      out.sgx = Bit(leaf7->ebx, 2);
      out.sgx_lc = Bit(leaf7->ecx, 30);
    }
  }
  if (!out.sgx || out.max_basic_leaf < kSgxLeaf) return out;  // kNoSgx
  const std::optional<CpuidRegs> caps = source.Query(kSgxLeaf, 0);
  if (!caps) {
    out.epc_state = EpcCpuidState::kUnknown;
    return out;
  }
  out.has_leaf12 = true;
  out.sgx1 = Bit(caps->eax, 0);
  out.sgx2 = Bit(caps->eax, 1);
  out.max_enclave_bits_32 = caps->edx & 0xFF;
  out.max_enclave_bits_64 = (caps->edx >> 8) & 0xFF;
  const bool has_subleaf2 = ReadSections(source, &out);
  const std::optional<CpuidRegs> attributes = source.Query(kSgxLeaf, 1);
  const bool all_zero = AllZero(*caps) && (!attributes || AllZero(*attributes)) &&
                        out.sections.empty() && out.unknown_section_type == 0;
  if (all_zero) {
    out.epc_state = EpcCpuidState::kDisabled;
  } else if (!has_subleaf2) {
    out.epc_state = EpcCpuidState::kUnknown;
  } else {
    out.epc_state = EpcCpuidState::kSections;
  }
  return out;
}

}  // namespace teedp::hw
