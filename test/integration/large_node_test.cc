// Nodes with more EPC than one kubelet message can list: the plugin advertises what fits, says so
// loudly, and still serves 100 GiB pods; a larger unit lists everything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

class LargeNodeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LargeNodeTest, RegistersWithinTheKubeletLimitAndServesAHundredGibPod) {
  NodeHarness node(GetParam());
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  EXPECT_TRUE(view->stream_error.empty()) << view->stream_error;
  EXPECT_LE(view->last_message_bytes, emulator::kKubeletMaxReceiveBytes);
  EXPECT_GT(view->devices.size(), 170000u);
  EXPECT_THAT(node.Log(), HasSubstr("ADVERTISING ONLY PART OF THE EPC"));
  auto admitted = node.kubelet().AdmitContainer(kEpcResource, "default/big", "main", 102400);
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->device_ids.size(), 102400u);
}

INSTANTIATE_TEST_SUITE_P(EpcSizes, LargeNodeTest,
                         ::testing::Values("numa=256GiB,256GiB", "numa=512GiB,512GiB"));

TEST(LargeNodeUnitTest, AGibibyteUnitListsATebibyteNodeWhole) {
  NodeHarness node("numa=512GiB,512GiB",
                   {"--epc-unit", "1GiB", "--epc-resource", "example.com/sgx_epc_mem_in_GiB"});
  auto view = node.kubelet().WaitFor(
      "example.com/sgx_epc_mem_in_GiB",
      [](const emulator::ResourceView& v) { return v.list_and_watch_updates > 0; }, kWait);
  ASSERT_TRUE(view) << node.Log();
  EXPECT_EQ(view->devices.size(), 1024u);
  EXPECT_THAT(node.Log(), ::testing::Not(HasSubstr("ADVERTISING ONLY PART")));
}

}  // namespace
}  // namespace teedp::testing
