// ParseByteSize and FormatByteSize: accepted spellings, refusals, and the report format.
#include "common/byte_size.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp {
namespace {

using ::testing::HasSubstr;

TEST(ParseByteSizeTest, AcceptsBinarySuffixes) {
  struct Case {
    std::string_view text;
    uint64_t bytes;
  };
  const Case cases[] = {
      {"123", 123},
      {"0", 0},
      {"512B", 512},
      {"65536KiB", 65536ull << 10},
      {"512MiB", 512ull << 20},
      {"4GiB", 4ull << 30},
      {"4Gi", 4ull << 30},
      {"4 GiB", 4ull << 30},
      {"1TiB", 1ull << 40},
      {"2Pi", 2ull << 50},
      {"15EiB", 15ull << 60},
      {"18446744073709551615", 18446744073709551615ull},
  };
  for (const Case& c : cases) {
    auto parsed = ParseByteSize(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status();
    EXPECT_EQ(*parsed, c.bytes) << c.text;
  }
}

TEST(ParseByteSizeTest, RefusesWithTheValueQuoted) {
  const std::string_view cases[] = {"",
                                    "-1",
                                    "+4GiB",
                                    "GiB",
                                    "4G",
                                    "4GB",
                                    "4 gib",
                                    "4.5GiB",
                                    "4GiBx",
                                    "4  GiB",
                                    "16EiB",
                                    "18446744073709551616",
                                    "99999999999999999999999TiB",
                                    std::string_view("4\0GiB", 5)};
  for (std::string_view text : cases) {
    auto parsed = ParseByteSize(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("\"" + std::string(text) + "\""));
  }
}

TEST(FormatByteSizeTest, PicksTheLargestUnitAndAtMostOneDecimal) {
  struct Case {
    uint64_t bytes;
    std::string_view text;
  };
  const Case cases[] = {
      {0, "0 B"},
      {512, "512 B"},
      {1023, "1023 B"},
      {1024, "1 KiB"},
      {1536, "1.5 KiB"},
      {4ull << 30, "4 GiB"},
      {1ull << 40, "1 TiB"},
      {98041856, "93.5 MiB"},         // Kaby Lake EPC
      {0x7E1FF000, "2.0 GiB"},        // Sapphire Rapids section: close to, not exactly
      {(1ull << 20) - 1, "1.0 MiB"},  // 1023.999 KiB rounds up a unit
      {18446744073709551615ull, "16.0 EiB"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatByteSize(c.bytes), c.text) << c.bytes;
}

TEST(FormatByteSizeTest, WholeValuesRoundTripThroughParse) {
  for (uint64_t bytes : {0ull, 7ull, 1ull << 10, 3ull << 20, 4ull << 30, 12ull << 40}) {
    auto parsed = ParseByteSize(FormatByteSize(bytes));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, bytes);
  }
}

}  // namespace
}  // namespace teedp
