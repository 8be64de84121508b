#include "kubelet/plugin_dir_watcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace teedp::kubelet {
namespace {

class PluginDirWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto watcher = PluginDirWatcher::Create(dir_, "epc.sock");
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    watcher_ = std::move(watcher).value();
  }
  void Touch(const std::string& name) { std::ofstream(dir_ + "/" + name).put('x'); }

  testing::TempDir temp_dir_;
  const std::string dir_ = temp_dir_.path();
  std::unique_ptr<PluginDirWatcher> watcher_;
};

TEST_F(PluginDirWatcherTest, NothingHappenedMeansNoEvents) {
  EXPECT_FALSE(watcher_->ReadEvents().Any());
}

TEST_F(PluginDirWatcherTest, KubeletSocketCreationIsReported) {
  Touch("other.sock");
  Touch("kubelet.sock");
  PluginDirEvents events = watcher_->ReadEvents();
  EXPECT_TRUE(events.kubelet_socket_created);
  EXPECT_FALSE(events.own_socket_removed);
}

TEST_F(PluginDirWatcherTest, OwnSocketRemovalIsReportedButNotOthers) {
  Touch("epc.sock");
  Touch("other.sock");
  watcher_->ReadEvents();
  std::filesystem::remove(dir_ + "/other.sock");
  EXPECT_FALSE(watcher_->ReadEvents().own_socket_removed);
  std::filesystem::remove(dir_ + "/epc.sock");
  EXPECT_TRUE(watcher_->ReadEvents().own_socket_removed);
}

TEST_F(PluginDirWatcherTest, DirectoryRemovalIsReported) {
  std::filesystem::remove_all(dir_);
  EXPECT_TRUE(watcher_->ReadEvents().directory_gone);
}

TEST(PluginDirWatcherCreateTest, MissingDirectoryIsNotFoundNamingIt) {
  auto watcher = PluginDirWatcher::Create("/nonexistent/plugins", "epc.sock");
  ASSERT_FALSE(watcher.ok());
  EXPECT_EQ(watcher.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(watcher.status().message().find("/nonexistent/plugins"), std::string::npos);
}

}  // namespace
}  // namespace teedp::kubelet
