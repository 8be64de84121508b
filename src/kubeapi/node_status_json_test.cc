#include "kubeapi/node_status_json.h"

#include <gtest/gtest.h>

namespace teedp::kubeapi {
namespace {

TEST(NodeStatusJsonTest, AddPatchIsTheExactRfc6902Body) {
  EXPECT_EQ(CapacityAddPatch("sgx.intel.com/epc", "98566144"),
            R"([{"op":"add","path":"/status/capacity/sgx.intel.com~1epc","value":"98566144"}])");
}

TEST(NodeStatusJsonTest, RemovePatchIsTheExactRfc6902Body) {
  EXPECT_EQ(CapacityRemovePatch("sgx.intel.com/epc"),
            R"([{"op":"remove","path":"/status/capacity/sgx.intel.com~1epc"}])");
}

TEST(NodeStatusJsonTest, QuotesAreEscapedInsideThePatch) {
  EXPECT_EQ(CapacityAddPatch("a\"b/c", "1"),
            R"([{"op":"add","path":"/status/capacity/a\"b~1c","value":"1"}])");
}

TEST(NodeStatusJsonTest, ReadsTheCapacityValue) {
  const char* node = R"({"kind":"Node","status":{"capacity":{"cpu":"4",
      "sgx.intel.com/epc":"64M"},"allocatable":{"sgx.intel.com/epc":"1"}}})";
  auto value = CapacityFromNodeJson(node, "sgx.intel.com/epc");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, "64M");
}

TEST(NodeStatusJsonTest, AbsentCapacityIsNullopt) {
  for (const char* node : {R"({"status":{"capacity":{"cpu":"4"}}})", R"({"status":{}})", "{}",
                           R"({"status":"odd"})", R"({"status":{"capacity":[]}})"}) {
    auto value = CapacityFromNodeJson(node, "sgx.intel.com/epc");
    ASSERT_TRUE(value.ok()) << node << ": " << value.status();
    EXPECT_EQ(*value, std::nullopt) << node;
  }
}

TEST(NodeStatusJsonTest, MalformedAnswersAreInvalidArgument) {
  for (const char* node : {"", "not json", "[1]", R"({"status":)", "\"x\""}) {
    auto value = CapacityFromNodeJson(node, "r/x");
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << node;
  }
  auto value = CapacityFromNodeJson(R"({"status":{"capacity":{"r/x":5}}})", "r/x");
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(value.status().message().find("r/x"), std::string::npos);
}

}  // namespace
}  // namespace teedp::kubeapi
