#include "resources/device_id.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace teedp::resources {
namespace {

constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();

TEST(DeviceIdTest, KnownValues) {
  EXPECT_EQ(DeviceId(0), "0");
  EXPECT_EQ(DeviceId(9), "9");
  EXPECT_EQ(DeviceId(10), "a");
  EXPECT_EQ(DeviceId(35), "z");
  EXPECT_EQ(DeviceId(36), "10");
  EXPECT_EQ(DeviceId(99), "2r");
  EXPECT_EQ(DeviceId(kMax), "1z141z3");
}

TEST(DeviceIdTest, AppendKeepsWhatWasThere) {
  std::string out = "x";
  AppendDeviceId(36, &out);
  AppendDeviceId(0, &out);
  EXPECT_EQ(out, "x100");
}

TEST(DeviceIdTest, RoundTripsEveryIndexUpToAMillion) {
  std::string id;
  for (uint32_t index = 0; index <= 1'000'000; ++index) {
    id.clear();
    AppendDeviceId(index, &id);
    ASSERT_EQ(ParseDeviceId(id), index) << id;
  }
}

TEST(DeviceIdTest, RoundTripsEdgeValues) {
  for (uint32_t index :
       {0u, 1u, 35u, 36u, 1295u, 1296u, 46655u, 46656u, 1u << 20, 1u << 31, kMax - 1, kMax}) {
    EXPECT_EQ(ParseDeviceId(DeviceId(index)), index) << index;
  }
  // Spread samples across the whole 32-bit range.
  for (uint64_t index = 0; index <= kMax; index += 4'294'967ull) {
    uint32_t i = static_cast<uint32_t>(index);
    ASSERT_EQ(ParseDeviceId(DeviceId(i)), i);
  }
}

TEST(ParseDeviceIdTest, RejectsNonCanonicalSpellings) {
  const std::string too_long(100 * 1024, '1');
  const std::string cases[] = {
      "",
      "00",
      "01",
      "000000",
      "A",
      "1A",
      "-1",
      "+1",
      " 1",
      "1 ",
      "1\n",
      "0x1",
      "1.0",
      "zzzzzzzz",  // 8 digits: more than any 32-bit index
      "1z141z4",   // UINT32_MAX + 1
      "zzzzzzz",   // 7 digits but above UINT32_MAX
      std::string("1\0", 2),
      "\xff",
      "\xc3\xa9",  // UTF-8 e-acute
      "1\x80",
      too_long,
  };
  for (const std::string& id : cases) {
    EXPECT_EQ(ParseDeviceId(id), std::nullopt) << QuoteIdForMessage(id);
  }
}

TEST(ParseDeviceIdTest, AcceptsCanonicalEdges) {
  EXPECT_EQ(ParseDeviceId("0"), 0u);
  EXPECT_EQ(ParseDeviceId("z"), 35u);
  EXPECT_EQ(ParseDeviceId("1z141z3"), kMax);
}

TEST(QuoteIdForMessageTest, QuotesPlainIds) {
  EXPECT_EQ(QuoteIdForMessage("2s"), "\"2s\"");
  EXPECT_EQ(QuoteIdForMessage(""), "\"\"");
}

TEST(QuoteIdForMessageTest, EscapesQuotesBackslashesAndNonPrintableBytes) {
  EXPECT_EQ(QuoteIdForMessage("a\"b"), R"("a\"b")");
  EXPECT_EQ(QuoteIdForMessage("a\\b"), R"("a\\b")");
  EXPECT_EQ(QuoteIdForMessage(std::string("\0\n\x7f\xff", 4)), R"("\x00\x0a\x7f\xff")");
  EXPECT_EQ(QuoteIdForMessage("\xc3\xa9"), R"("\xc3\xa9")");
}

TEST(QuoteIdForMessageTest, KeepsExactlySixtyFourCharactersUncut) {
  const std::string id(64, 'a');
  EXPECT_EQ(QuoteIdForMessage(id), "\"" + id + "\"");
}

TEST(QuoteIdForMessageTest, CutsLongInputAndSaysSo) {
  const std::string id(100 * 1024, 'a');
  EXPECT_EQ(QuoteIdForMessage(id), "\"" + std::string(64, 'a') + "\"...");
}

TEST(QuoteIdForMessageTest, NeverSplitsAnEscape) {
  // 62 printable characters leave room for 2 more, not for a 4-character escape.
  const std::string id = std::string(62, 'a') + "\x01" + "b";
  EXPECT_EQ(QuoteIdForMessage(id), "\"" + std::string(62, 'a') + "\"...");
  const std::string bytes(40, '\xff');  // 16 escapes fill exactly 64 characters
  std::string expected = "\"";
  for (int i = 0; i < 16; ++i) expected += "\\xff";
  EXPECT_EQ(QuoteIdForMessage(bytes), expected + "\"...");
}

TEST(QuoteForMessageTest, HonoursTheGivenBound) {
  EXPECT_EQ(QuoteForMessage("abcdef", 3), "\"abc\"...");
  EXPECT_EQ(QuoteForMessage("abc", 3), "\"abc\"");
  EXPECT_EQ(QuoteForMessage("abc", 0), "\"\"...");
}

}  // namespace
}  // namespace teedp::resources
