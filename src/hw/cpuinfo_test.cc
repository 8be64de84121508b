// ParseCpuinfoFlags and ParseSysfsU64.
#include "hw/cpuinfo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace teedp::hw {
namespace {

using ::testing::HasSubstr;

TEST(ParseCpuinfoFlagsTest, ReadsExactTokensOfTheFirstFlagsLine) {
  struct Case {
    std::string text;
    bool readable, sgx, sgx_lc;
  };
  const Case cases[] = {
      {"processor\t: 0\nflags\t\t: fpu vme sgx avx2 sgx_lc rdpid\nbugs\t\t: x\n", true, true, true},
      {"flags\t\t: fpu sgx\n", true, true, false},
      {"flags\t\t: fpu sgx_lc\n", true, false, true},
      {"flags\t\t: sgxx nosgx sgx_lcx vmx_sgx\n", true, false, false},
      {"flags\t\t:\n", true, false, false},
      {"flags: sgx", true, true, false},                                // no newline at the end
      {"flags\t\t: fpu\nflags\t\t: sgx sgx_lc\n", true, false, false},  // first line only
      {"vmx flags\t: sgx\nflags\t\t: fpu\n", true, false, false},
      {"processor\t: 0\nmodel name\t: x\n", false, false, false},
      {"flagsx\t: sgx\n", false, false, false},
      {"", false, false, false},
      {std::string("flags\t\t: \0 sgx\n", 15), true, true, false},
  };
  for (const Case& c : cases) {
    const KernelSgxFlags flags = ParseCpuinfoFlags(c.text);
    EXPECT_EQ(flags.readable, c.readable) << c.text;
    EXPECT_EQ(flags.sgx, c.sgx) << c.text;
    EXPECT_EQ(flags.sgx_lc, c.sgx_lc) << c.text;
  }
}

TEST(ParseSysfsU64Test, AcceptsDecimalWithTrailingWhitespace) {
  EXPECT_EQ(*ParseSysfsU64("4294967296\n", "f"), 4294967296u);
  EXPECT_EQ(*ParseSysfsU64("0", "f"), 0u);
  EXPECT_EQ(*ParseSysfsU64("12 \t\r\n", "f"), 12u);
  EXPECT_EQ(*ParseSysfsU64("18446744073709551615\n", "f"), 18446744073709551615u);
}

TEST(ParseSysfsU64Test, RefusesNamingThePathAndTheValue) {
  const std::string path = "/sys/devices/system/node/node0/x86/sgx_total_bytes";
  const std::string cases[] = {"",     "\n",  "-1\n", "+1",  "18446744073709551616", "12abc",
                               "0x10", " 12", "1 2",  "1.5", std::string("1\0", 2)};
  for (const std::string& text : cases) {
    auto value = ParseSysfsU64(text, path);
    ASSERT_FALSE(value.ok()) << text;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(value.status().message(), HasSubstr(path));
  }
  // Shown escaped, so control bytes and NULs cannot garble a log line.
  EXPECT_THAT(ParseSysfsU64("-1\n", path).status().message(), HasSubstr("\"-1\\n\""));
  EXPECT_THAT(ParseSysfsU64(std::string("7\0\x01", 3), path).status().message(),
              HasSubstr("\"7\\x00\\x01\""));
}

TEST(ParseSysfsU64Test, CutsLongValuesInMessages) {
  const std::string junk(1000, 'x');
  auto value = ParseSysfsU64(junk, "f");
  ASSERT_FALSE(value.ok());
  EXPECT_THAT(value.status().message(), HasSubstr(std::string(40, 'x') + "...\""));
  EXPECT_LT(value.status().message().size(), 100u);
}

}  // namespace
}  // namespace teedp::hw
