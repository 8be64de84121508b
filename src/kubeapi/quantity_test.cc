#include "kubeapi/quantity.h"

#include <gtest/gtest.h>

namespace teedp::kubeapi {
namespace {

TEST(QuantityTest, ReadsPlainAndSuffixedWholeNumbers) {
  EXPECT_EQ(QuantityToInteger("98566144"), 98566144u);
  EXPECT_EQ(QuantityToInteger("0"), 0u);
  EXPECT_EQ(QuantityToInteger("+7"), 7u);
  EXPECT_EQ(QuantityToInteger("64M"), 64000000u);
  EXPECT_EQ(QuantityToInteger("2k"), 2000u);
  EXPECT_EQ(QuantityToInteger("128Mi"), 128u << 20);
  EXPECT_EQ(QuantityToInteger("1Ei"), uint64_t{1} << 60);
  EXPECT_EQ(QuantityToInteger("3e3"), 3000u);
  EXPECT_EQ(QuantityToInteger("1E9"), 1000000000u);
  EXPECT_EQ(QuantityToInteger("18446744073709551615"), UINT64_MAX);
}

TEST(QuantityTest, RefusesWhatIsNotAWholeNonNegativeNumber) {
  for (const char* bad : {"", "-1", "1.5", "1500m", "10Mb", "10 Mi", "Mi", "0x10", "1e", "1e-3",
                          "1e3k", " 1", "1 ", "18446744073709551616", "16Ei", "1e20", "99999E"}) {
    EXPECT_EQ(QuantityToInteger(bad), std::nullopt) << bad;
  }
}

TEST(QuantityTest, ZeroWithAnyExponentIsZero) {
  EXPECT_EQ(QuantityToInteger("0e99"), 0u);
  EXPECT_EQ(QuantityToInteger("0e3"), 0u);
}

TEST(BytesToQuantityTest, UsesTheLargestExactBinarySuffixAndReadsBack) {
  EXPECT_EQ(BytesToQuantity(uint64_t{4} << 30), "4Gi");
  EXPECT_EQ(BytesToQuantity(uint64_t{64} << 20), "64Mi");
  EXPECT_EQ(BytesToQuantity(4096), "4Ki");
  EXPECT_EQ(BytesToQuantity((uint64_t{93} << 20) + 4096), "95236Ki");
  EXPECT_EQ(BytesToQuantity(1000), "1000");
  EXPECT_EQ(BytesToQuantity(0), "0");
  EXPECT_EQ(BytesToQuantity(uint64_t{1} << 63), "8Ei");
  for (uint64_t bytes :
       {uint64_t{0}, uint64_t{1}, uint64_t{4096}, (uint64_t{3} << 40) + 1024, ~uint64_t{0}}) {
    EXPECT_EQ(QuantityToInteger(BytesToQuantity(bytes)), bytes) << bytes;
  }
}

}  // namespace
}  // namespace teedp::kubeapi
