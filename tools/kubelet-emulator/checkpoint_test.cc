#include "checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace teedp::emulator {
namespace {

using ::testing::ElementsAre;

TEST(CheckpointTest, MissingFileIsEmpty) {
  testing::TempDir dir;
  auto checkpoint = Checkpoint::Load(dir.path() + "/none");
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_TRUE(checkpoint->entries().empty());
}

TEST(CheckpointTest, SavesAndLoadsEntries) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cp";
  Checkpoint checkpoint;
  checkpoint.Record({"ns/a", "c", "example.com/epc", {"1", "2"}});
  checkpoint.Record({"ns/b", "c", "example.com/epc", {"3"}});
  checkpoint.Record({"ns/b", "c", "example.com/other", {"x"}});
  checkpoint.Record({"ns/a", "c", "example.com/epc", {"4"}});  // replaces
  ASSERT_TRUE(checkpoint.Save(path).ok());
  auto loaded = Checkpoint::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(loaded->IdsFor("example.com/epc"), ElementsAre("4", "3"));
  ASSERT_NE(loaded->Find("ns/b", "c", "example.com/other"), nullptr);
  loaded->RemovePod("ns/b");
  EXPECT_THAT(loaded->IdsFor("example.com/epc"), ElementsAre("4"));
  EXPECT_EQ(loaded->Find("ns/b", "c", "example.com/other"), nullptr);
}

TEST(CheckpointTest, KeepsTheNumaNodesOfEachId) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cp";
  Checkpoint checkpoint;
  checkpoint.Record({"ns/a", "c", "example.com/epc", {"1", "2", "3"}, {{"1", {0}}, {"2", {0, 1}}}});
  ASSERT_TRUE(checkpoint.Save(path).ok());
  auto loaded = Checkpoint::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const CheckpointEntry* entry = loaded->Find("ns/a", "c", "example.com/epc");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->numa_nodes,
            (std::map<std::string, std::vector<int64_t>>{{"1", {0}}, {"2", {0, 1}}}));
}

TEST(CheckpointTest, AnEntryWithoutNumaNodesHasNoTopology) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cp";
  std::ofstream(path) << R"({"version": 1, "entries": [{"pod": "p", "container": "c",
      "resource_name": "r/x", "device_ids": ["1"]}]})";
  auto loaded = Checkpoint::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->entries().size(), 1u);
  EXPECT_TRUE(loaded->entries()[0].numa_nodes.empty());
}

TEST(CheckpointTest, ForeignContentIsDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cp";
  std::ofstream(path) << R"({"version": 7, "entries": []})";
  EXPECT_EQ(Checkpoint::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::ofstream(path) << R"({"version": 1, "entries": [{"pod": 3}]})";
  EXPECT_EQ(Checkpoint::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::ofstream(path) << R"({"version": 1, "entries": [{"pod": "p", "container": "c",
      "resource_name": "r/x", "device_ids": ["1"], "numa_nodes": {"1": "zero"}}]})";
  EXPECT_EQ(Checkpoint::Load(path).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace teedp::emulator
