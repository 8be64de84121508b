#include "observe/node_labels.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace teedp::observe {
namespace {

hw::Inventory SgxNode() {
  hw::Inventory inventory;
  inventory.cpuid.sgx = true;
  inventory.cpuid.sgx1 = true;
  inventory.cpuid.sgx2 = true;
  inventory.cpuid.sgx_lc = true;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.epc_bytes = uint64_t{8} << 30;
  return inventory;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(NodeLabelsTest, AnSgxNodeGetsEveryLabel) {
  auto text = FeatureFileText(NodeLabelsFor(SgxNode()));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text,
            "# Written by tee-device-plugin from what it found on this node.\n"
            "sgx.tee.dev/present=true\n"
            "sgx.tee.dev/enabled=true\n"
            "sgx.tee.dev/sgx1=true\n"
            "sgx.tee.dev/sgx2=true\n"
            "sgx.tee.dev/flc=true\n"
            "sgx.tee.dev/driver=in-kernel\n"
            "sgx.tee.dev/epc-bytes=8589934592\n"
            "sgx.tee.dev/epc-mib=8192\n");
}

TEST(NodeLabelsTest, ANodeWithoutUsableSgxSaysSoAndHasNoEpcLabels) {
  hw::Inventory inventory = SgxNode();
  inventory.driver = hw::SgxDriver::kNone;
  inventory.problems.push_back("no SGX driver");
  std::vector<NodeLabel> labels = NodeLabelsFor(inventory);
  EXPECT_EQ(labels, (std::vector<NodeLabel>{{"sgx.tee.dev/present", "true"},
                                            {"sgx.tee.dev/enabled", "false"},
                                            {"sgx.tee.dev/sgx1", "true"},
                                            {"sgx.tee.dev/sgx2", "true"},
                                            {"sgx.tee.dev/flc", "true"},
                                            {"sgx.tee.dev/driver", "none"}}));
}

TEST(NodeLabelsTest, EveryLabelValueIsAValidKubernetesLabelValue) {
  hw::Inventory huge = SgxNode();
  huge.epc_bytes = UINT64_MAX;
  for (const hw::Inventory& inventory : {SgxNode(), huge, hw::Inventory{}}) {
    for (const auto& [name, value] : NodeLabelsFor(inventory)) {
      EXPECT_TRUE(IsValidLabelValue(value)) << name << "=" << value;
      EXPECT_LE(name.size() - kNodeLabelPrefix.size(), 63u) << name;
    }
  }
}

TEST(NodeLabelsTest, LabelValueRules) {
  for (const std::string& good : {std::string(), std::string("a"), std::string("in-kernel"),
                                  std::string("8_192.x"), std::string(63, 'z')}) {
    EXPECT_TRUE(IsValidLabelValue(good)) << good;
  }
  for (const std::string& bad : {std::string("-a"), std::string("a-"), std::string("a b"),
                                 std::string("a/b"), std::string(64, 'z'), std::string("é")}) {
    EXPECT_FALSE(IsValidLabelValue(bad)) << bad;
  }
  auto text = FeatureFileText({{"sgx.tee.dev/x", "bad value"}});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("sgx.tee.dev/x"), std::string::npos);
}

TEST(NodeLabelsFileTest, WritesAtomicallyRewritesOnChangeAndRemoves) {
  teedp::testing::TempDir dir;
  NodeLabelsFile file(dir.path());
  EXPECT_EQ(file.path(), dir.path() + "/tee-device-plugin");
  ASSERT_TRUE(file.Update(NodeLabelsFor(SgxNode())).value_or(false));
  EXPECT_FALSE(file.Update(NodeLabelsFor(SgxNode())).value_or(true)) << "unchanged: not written";
  EXPECT_NE(ReadFile(file.path()).find("sgx.tee.dev/enabled=true\n"), std::string::npos);
  hw::Inventory gone = SgxNode();
  gone.problems.push_back("no SGX driver");
  ASSERT_TRUE(file.Update(NodeLabelsFor(gone)).value_or(false));
  EXPECT_NE(ReadFile(file.path()).find("sgx.tee.dev/enabled=false\n"), std::string::npos);
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1u) << "no temporary file left behind";
  ASSERT_TRUE(file.Remove().ok());
  EXPECT_FALSE(std::filesystem::exists(file.path()));
  EXPECT_TRUE(file.Remove().ok()) << "idempotent";
}

TEST(NodeLabelsFileTest, AMissingDirectoryIsAFailedPreconditionNamingIt) {
  teedp::testing::TempDir dir;
  NodeLabelsFile file(dir.path() + "/features.d");
  absl::Status status = file.Update(NodeLabelsFor(SgxNode())).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find(dir.path() + "/features.d"), std::string::npos) << status;
  EXPECT_NE(status.message().find("No such file"), std::string::npos) << status;
}

}  // namespace
}  // namespace teedp::observe
