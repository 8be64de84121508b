// ParseCpuidDump: both formats, first-CPU selection, sub-leaf numbering and refusals.
#include "hw/cpuid_dump_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.h"

namespace teedp::hw {
namespace {

using ::testing::HasSubstr;

CpuidRegs Regs(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return {a, b, c, d}; }

TEST(ParseCpuidDumpTest, AidaLinesWithTagsCommentsAndTrailingSpaces) {
  auto table = ParseCpuidDump(
      "------[ Logical CPU #0 ]------\n"
      "\n"
      "CPUID Manufacturer: GenuineIntel\n"
      "CPUID CPU Name    : Intel(R) Core(TM)\n"
      "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69 [GenuineIntel]\n"
      "CPUID 00000004: 1C004121-01C0003F-0000003F-00000000 [SL 00] [L1D: 32 KB]\n"
      "CPUID 00000004: 1C004122-01C0003F-0000003F-00000000 [SL 01]\r\n"
      "CPUID 00000012: 70200001-00000000-05D80001-00000000 [SL 02]   \n"
      "CPUID 00000005: 00000040-00000040-00000003-11142120 \n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 5u);
  EXPECT_EQ(table->at({0, 0}), Regs(0x16, 0x756E6547, 0x6C65746E, 0x49656E69));
  EXPECT_EQ(table->at({4, 1}).eax, 0x1C004122u);
  EXPECT_EQ(table->at({0x12, 2}), Regs(0x70200001, 0, 0x05D80001, 0));
  EXPECT_EQ(table->at({5, 0}).edx, 0x11142120u);
}

TEST(ParseCpuidDumpTest, UntaggedRepeatsAreSubleavesAndLeafZeroStartsTheNextCpu) {
  auto table = ParseCpuidDump(
      "\n\nCPUID 00000000: 0000001B-756E6547-6C65746E-49656E69\n"
      "CPUID 0000000B: 00000001-00000002-00000100-00000000\n"
      "CPUID 0000000B: 00000006-00000030-00000201-00000000\n"
      "CPUID 00000012: 00000000-00000000-00000000-00000000\n"
      "\n\n\nCPUID 00000000: 0000001B-756E6547-6C65746E-49656E69\n"
      "CPUID 00000012: 11111111-00000000-00000000-00000000\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 4u);
  EXPECT_EQ(table->at({0xB, 1}).eax, 6u);
  EXPECT_EQ(table->at({0x12, 0}), CpuidRegs{});
}

TEST(ParseCpuidDumpTest, HeadersAfterRegistersEndTheFirstCpu) {
  for (std::string header :
       {"------[ Logical CPU #1 ]------", "CPU#001 AffMask: 0x2 ", "CPU 1:", "CPU:"}) {
    auto table = ParseCpuidDump(
        "CPU#000 AffMask: 0x1 \n"
        "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69\n" +
        header + "\nCPUID 00000001: 00000001-00000000-00000000-00000000\n");
    ASSERT_TRUE(table.ok()) << header << table.status();
    EXPECT_EQ(table->size(), 1u) << header;
  }
}

// Realistic `cpuid -r` output (two CPUs) and `cpuid -r -1` (one, "CPU:" header).
constexpr char kCpuidToolTwoCpus[] =
    "CPU 0:\n"
    "   0x00000000 0x00: eax=0x0000001b ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
    "   0x00000007 0x00: eax=0x00000000 ebx=0xf2bf27ef ecx=0x40405f4e edx=0xbc000410\n"
    "   0x00000012 0x00: eax=0x00000063 ebx=0x00000001 ecx=0x00000000 edx=0x00002f1f\n"
    "   0x00000012 0x01: eax=0x000000b6 ebx=0x00000000 ecx=0x000002e7 edx=0x00000000\n"
    "   0x00000012 0x02: eax=0x30180001 ebx=0x00000000 ecx=0x0bc00001 edx=0x00000000\n"
    "   0x00000012 0x03: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
    "   0x80000000 0x00: eax=0x80000008 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
    "CPU 1:\n"
    "   0x00000000 0x00: eax=0x00000001 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n";

TEST(ParseCpuidDumpTest, CpuidToolFormatFirstCpuOnly) {
  auto table = ParseCpuidDump(kCpuidToolTwoCpus);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 7u);
  EXPECT_EQ(table->at({0, 0}).eax, 0x1Bu);
  EXPECT_EQ(table->at({0x12, 2}), Regs(0x30180001, 0, 0x0bc00001, 0));
  EXPECT_EQ(table->at({0x80000000, 0}).eax, 0x80000008u);
}

TEST(ParseCpuidDumpTest, CpuidToolSingleCpuAndShortSubleaf) {
  auto table = ParseCpuidDump(
      "CPU:\n"
      "   0x00000000 0x00: eax=0x0000001c ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n"
      "   0x0000000d 0x3f: eax=0x1 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
      "   0x00000004: eax=0x00000001 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->at({0xD, 0x3F}).eax, 1u);
  EXPECT_EQ(table->at({4, 0}).eax, 1u);
}

TEST(ParseCpuidDumpTest, MalformedRegisterLinesNameTheLine) {
  struct Case {
    std::string text;
    std::string line;
  };
  const std::string ok = "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69\n";
  const Case cases[] = {
      {ok + "CPUID 00000012: 0000", "line 2:"},
      {ok + "CPUID 00000012:", "line 2:"},
      {ok + "CPUID 00000012 00000001-00000000-00000000-00000000", "line 2:"},
      {ok + "\nCPUID 00000012: 0000000G-00000000-00000000-00000000", "line 3:"},
      {ok + "CPUID 00000012: 00000001-00000000-00000000-000000001", "line 2:"},
      {ok + "CPUID 00000012: 00000001-00000000-00000000-00000000 [SL zz]", "line 2:"},
      {ok + "CPUID 0012: 00000001-00000000-00000000-00000000", "line 2:"},
      {"0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3", "line 1:"},
      {"   0x00000000 0x00: eax=0x123456789 ebx=0x2 ecx=0x3 edx=0x4", "line 1:"},
      {"   0x00000000 0x00: eax=0xZZ ebx=0x2 ecx=0x3 edx=0x4", "line 1:"},
      {"   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4 junk", "line 1:"},
      {"   0x0000 0x: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4", "line 1:"},
      {ok + "CPUID 00000001: 00000001-" + std::string(1, '\0') + "0000000-00000000-00000000",
       "line 2:"},
  };
  for (const Case& c : cases) {
    auto table = ParseCpuidDump(c.text);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(table.status().message(), HasSubstr(c.line)) << c.text;
  }
}

TEST(ParseCpuidDumpTest, NothingUsableIsInvalidArgument) {
  const std::string cases[] = {"",
                               "\n\n\n",
                               "hello world\n",
                               std::string(1000, '\0'),
                               "CPUID Manufacturer: GenuineIntel\nCPU 0:\n",
                               "0x\n0xg\n"};
  for (const std::string& text : cases) {
    auto table = ParseCpuidDump(text);
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(table.status().message(), HasSubstr("no CPUID register lines found"));
  }
}

TEST(ParseCpuidDumpTest, HugeInputsStayLinear) {
  // 16 MiB in one line, and 16 MiB of untagged repeats of one leaf (~300k sub-leaves).
  std::string one_line(16 << 20, 'A');
  EXPECT_FALSE(ParseCpuidDump(one_line).ok());
  const std::string line = "CPUID 00000004: 00000001-00000000-00000000-00000000\n";
  std::string repeated;
  repeated.reserve(16 << 20);
  while (repeated.size() + line.size() <= (16u << 20)) repeated += line;
  auto table = ParseCpuidDump(repeated);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->size(), repeated.size() / line.size());
}

TEST(LoadCpuidDumpTest, ErrorsNameTheFile) {
  testing::TempDir dir;
  auto missing = LoadCpuidDump(dir.path() + "/none.txt");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.path() + "/none.txt"));
  auto empty = LoadCpuidDump("/dev/null");
  EXPECT_TRUE(absl::IsInvalidArgument(empty.status()));
  EXPECT_THAT(empty.status().message(), HasSubstr("/dev/null"));
  dir.Write("bad.txt",
            "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69\nCPUID 00000012: 0000\n");
  EXPECT_THAT(LoadCpuidDump(dir.path() + "/bad.txt").status().message(),
              HasSubstr("bad.txt: line 2:"));
  dir.Write("huge.txt", std::string((16 << 20) + 1, '\n'));
  EXPECT_TRUE(absl::IsOutOfRange(LoadCpuidDump(dir.path() + "/huge.txt").status()));
  dir.Write("ok.txt", "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69\n");
  auto ok = LoadCpuidDump(dir.path() + "/ok.txt");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->Query(0, 0)->eax, 0x16u);
  EXPECT_FALSE((*ok)->Query(0, 1).has_value());
}

}  // namespace
}  // namespace teedp::hw
