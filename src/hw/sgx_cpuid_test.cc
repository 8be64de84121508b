// DecodeSgxCpuid on every reference dump, on register values from real machines, and on the
// edge cases of leaf 0x12 enumeration.
#include "hw/sgx_cpuid.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hw/cpuid_dump_parser.h"
#include "test_paths.h"

namespace teedp::hw {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint64_t kMiB = 1 << 20;

struct DumpCase {
  std::string file;
  bool sgx, sgx_lc, sgx1, sgx2;
  uint32_t bits_64;
  EpcCpuidState state;
  std::vector<EpcSection> sections;
  uint64_t total;
};

std::vector<DumpCase> ReferenceDumps() {
  return {
      {"GenuineIntel00806E9_Kabylake_CPUID2.txt",
       true,
       false,
       true,
       false,
       36,
       EpcCpuidState::kSections,
       {{0x70200000, 0x5D80000, 1}},
       98041856},
      {"GenuineIntel00806EC_CometLake_CPUID3.txt",
       true,
       false,
       true,
       false,
       36,
       EpcCpuidState::kSections,
       {{0x70200000, 0x5E00000, 1}},
       94 * kMiB},
      {"GenuineIntel00706E5_IceLakeY_CPUID.txt",
       true,
       true,
       true,
       true,
       47,
       EpcCpuidState::kSections,
       {{0x30180000, 0xBC00000, 1}},
       188 * kMiB},
      {"GenuineIntel00906EC_CoffeeLake_CPUID4.txt",
       true,
       true,
       true,
       false,
       36,
       EpcCpuidState::kUnknown,
       {},
       0},
      {"GenuineIntel00606A6_ICX_04_CPUID.txt",
       true,
       true,
       false,
       false,
       0,
       EpcCpuidState::kDisabled,
       {},
       0},
      {"GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt",
       true,
       true,
       false,
       false,
       0,
       EpcCpuidState::kDisabled,
       {},
       0},
      {"GenuineIntel0090672_AlderLake_02_CPUID.txt",
       false,
       false,
       false,
       false,
       0,
       EpcCpuidState::kNoSgx,
       {},
       0},
      {"AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt",
       false,
       false,
       false,
       false,
       0,
       EpcCpuidState::kNoSgx,
       {},
       0},
  };
}

TEST(DecodeSgxCpuidTest, EveryReferenceDumpDecodesToTheDocumentedValues) {
  for (const DumpCase& c : ReferenceDumps()) {
    SCOPED_TRACE(c.file);
    auto source = LoadCpuidDump(std::string(TEE_CPUID_FIXTURES) + "/" + c.file);
    ASSERT_TRUE(source.ok()) << source.status();
    const SgxCpuid sgx = DecodeSgxCpuid(**source);
    EXPECT_EQ(sgx.sgx, c.sgx);
    EXPECT_EQ(sgx.sgx_lc, c.sgx_lc);
    EXPECT_EQ(sgx.sgx1, c.sgx1);
    EXPECT_EQ(sgx.sgx2, c.sgx2);
    EXPECT_EQ(sgx.max_enclave_bits_64, c.bits_64);
    EXPECT_EQ(sgx.epc_state, c.state);
    EXPECT_EQ(sgx.sections, c.sections);
    EXPECT_EQ(sgx.SectionBytes(), c.total);
    EXPECT_EQ(sgx.unknown_section_type, 0u);
  }
}

TEST(DecodeSgxCpuidTest, ClientDumpsReport31BitEnclavesOutside64BitMode) {
  auto source =
      LoadCpuidDump(std::string(TEE_CPUID_FIXTURES) + "/GenuineIntel00806E9_Kabylake_CPUID2.txt");
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(DecodeSgxCpuid(**source).max_enclave_bits_32, 31u);
}

TEST(DecodeSgxCpuidTest, GenoaStopsAtItsMaxBasicLeaf) {
  auto source = LoadCpuidDump(std::string(TEE_CPUID_FIXTURES) +
                              "/AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt");
  ASSERT_TRUE(source.ok());
  const SgxCpuid sgx = DecodeSgxCpuid(**source);
  EXPECT_EQ(sgx.max_basic_leaf, 0x10u);
  EXPECT_FALSE(sgx.has_leaf12);
}

// A table for an SGX CPU with max leaf 0x1B, SGX1 and the given EPC sub-leaves (from 2).
CpuidTable SgxTable(const std::vector<CpuidRegs>& epc_subleaves) {
  CpuidTable table;
  table[{0, 0}] = {0x1B, 0, 0, 0};
  table[{7, 0}] = {0, 1u << 2, 1u << 30, 0};
  table[{0x12, 0}] = {1, 0, 0, 0x381F};
  table[{0x12, 1}] = {0x36, 0, 0x1F, 0};
  for (size_t i = 0; i < epc_subleaves.size(); ++i) {
    table[{0x12, static_cast<uint32_t>(2 + i)}] = epc_subleaves[i];
  }
  return table;
}

TEST(DecodeSgxCpuidTest, RegisterValuesFromRealServers) {
  struct Case {
    std::string machine;
    std::vector<CpuidRegs> subleaves;
    std::vector<EpcSection> sections;
    uint64_t total;
  };
  const Case cases[] = {
      {"Xeon Gold 5315Y",
       {{0x18000001, 0x70, 0xE7800002, 0xF}},
       {{0x7018000000, 0xFE7800000, 2}},
       65144 * kMiB},
      {"Ice Lake-SP two sockets",
       {{0x00C00001, 0x40, 0x7EC00002, 0}, {0x00C00001, 0x80, 0x7F400002, 0}, {}},
       {{0x4000C00000, 0x7EC00000, 2}, {0x8000C00000, 0x7F400000, 2}},
       4064 * kMiB},
      {"Alibaba g7t vSGX",
       {{0x40000001, 0x6, 0xD0000001, 0x5}, {}},
       {{0x640000000, 0x5D0000000, 1}},
       23808 * kMiB},
      {"Sapphire Rapids",
       {{0x00C00001, 0x80, 0x7E1FF003, 0}, {}},
       {{0x8000C00000, 0x7E1FF000, 3}},
       0x7E1FF000},
  };
  for (const Case& c : cases) {
    const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(SgxTable(c.subleaves)));
    EXPECT_EQ(sgx.epc_state, EpcCpuidState::kSections) << c.machine;
    EXPECT_EQ(sgx.sections, c.sections) << c.machine;
    EXPECT_EQ(sgx.SectionBytes(), c.total) << c.machine;
    EXPECT_EQ(sgx.max_enclave_bits_64, 0x38u) << c.machine;
  }
}

TEST(DecodeSgxCpuidTest, FirstSubleafOfTypeZeroMeansSectionsTotallingZero) {
  const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(SgxTable({{}})));
  EXPECT_EQ(sgx.epc_state, EpcCpuidState::kSections);
  EXPECT_THAT(sgx.sections, IsEmpty());
}

TEST(DecodeSgxCpuidTest, UnknownSectionTypeEndsTheListAndIsRecorded) {
  const SgxCpuid sgx = DecodeSgxCpuid(
      TableCpuidSource(SgxTable({{0x1001, 0, 0x2001, 0}, {0x5007, 0, 0x1000, 0}, {1, 0, 1, 0}})));
  EXPECT_THAT(sgx.sections, ElementsAre(EpcSection{0x1000, 0x2000, 1}));
  EXPECT_EQ(sgx.unknown_section_type, 7u);
}

TEST(DecodeSgxCpuidTest, ReadsAtMostEightSections) {
  std::vector<CpuidRegs> subleaves(12, CpuidRegs{0x1001, 0, 0x1001, 0});
  const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(SgxTable(subleaves)));
  EXPECT_EQ(sgx.sections.size(), 8u);
  EXPECT_EQ(sgx.SectionBytes(), 8u * 0x1000);
}

TEST(DecodeSgxCpuidTest, LowMaxLeafOrMissingLeavesAreNotSgx) {
  CpuidTable low = SgxTable({{0x1001, 0, 0x1001, 0}});
  low[{0, 0}].eax = 0x11;  // SGX bit set but leaf 0x12 beyond the maximum: not to be read
  EXPECT_EQ(DecodeSgxCpuid(TableCpuidSource(low)).epc_state, EpcCpuidState::kNoSgx);
  EXPECT_TRUE(DecodeSgxCpuid(TableCpuidSource(low)).sgx);
  CpuidTable very_low = SgxTable({});
  very_low[{0, 0}].eax = 6;  // leaf 7 not to be read
  EXPECT_FALSE(DecodeSgxCpuid(TableCpuidSource(very_low)).sgx);
  EXPECT_EQ(DecodeSgxCpuid(TableCpuidSource(CpuidTable{})).epc_state, EpcCpuidState::kNoSgx);
}

TEST(DecodeSgxCpuidTest, DumpWithoutLeaf12IsUnknown) {
  CpuidTable table = SgxTable({});
  table.erase({0x12, 0});
  table.erase({0x12, 1});
  const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(table));
  EXPECT_EQ(sgx.epc_state, EpcCpuidState::kUnknown);
  EXPECT_FALSE(sgx.has_leaf12);
}

TEST(DecodeSgxCpuidTest, NativeSourceDecodesWithoutCrashing) {
  const SgxCpuid sgx = DecodeSgxCpuid(NativeCpuidSource());
  EXPECT_GT(sgx.max_basic_leaf, 0u);
  EXPECT_LE(sgx.sections.size(), 8u);
}

}  // namespace
}  // namespace teedp::hw
