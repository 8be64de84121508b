#include "checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace tee::emulator {
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

TEST(CheckpointTest, ForeignContentIsDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/cp";
  std::ofstream(path) << R"({"version": 7, "entries": []})";
  EXPECT_EQ(Checkpoint::Load(path).status().code(), absl::StatusCode::kDataLoss);
  std::ofstream(path) << R"({"version": 1, "entries": [{"pod": 3}]})";
  EXPECT_EQ(Checkpoint::Load(path).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tee::emulator
