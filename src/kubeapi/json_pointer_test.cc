#include "kubeapi/json_pointer.h"

#include <gtest/gtest.h>

namespace teedp::kubeapi {
namespace {

TEST(JsonPointerTest, EscapesSlashAndTilde) {
  EXPECT_EQ(EscapeJsonPointerToken("sgx.intel.com/epc"), "sgx.intel.com~1epc");
  EXPECT_EQ(EscapeJsonPointerToken("a~b"), "a~0b");
  EXPECT_EQ(EscapeJsonPointerToken(""), "");
  EXPECT_EQ(EscapeJsonPointerToken("plain"), "plain");
}

TEST(JsonPointerTest, TildeIsEscapedBeforeSlashSoTheyStayDistinct) {
  // "~1" literally must not read back as "/": it becomes "~01".
  EXPECT_EQ(EscapeJsonPointerToken("~1"), "~01");
  EXPECT_EQ(EscapeJsonPointerToken("/~"), "~1~0");
  EXPECT_EQ(EscapeJsonPointerToken("//"), "~1~1");
}

TEST(JsonPointerTest, CapacityPointerNamesTheStatusCapacityMember) {
  EXPECT_EQ(CapacityPointer("sgx.intel.com/epc"), "/status/capacity/sgx.intel.com~1epc");
  EXPECT_EQ(CapacityPointer("example.com/a~b/c"), "/status/capacity/example.com~1a~0b~1c");
}

}  // namespace
}  // namespace teedp::kubeapi
