// DeviceWatcher: which changes under a host root wake the daemon, folders that appear later, and
// the watcher driven from an EventLoop thread (run under TSan in scripts/test.sh).
#include "health/device_watcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/event_loop.h"
#include "common/mutex.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace teedp::health {
namespace {

class DeviceWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Mkdir("dev");
    dir_.Write("sys/devices/system/node/node0/x86/sgx_total_bytes", "1073741824\n");
    root_ = std::make_unique<hw::HostRoot>(dir_.path());
    auto watcher = DeviceWatcher::Create(*root_);
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    watcher_ = std::move(watcher).value();
  }
  std::string Path(const std::string& relative) const { return dir_.path() + "/" + relative; }

  teedp::testing::TempDir dir_;
  std::unique_ptr<hw::HostRoot> root_;
  std::unique_ptr<DeviceWatcher> watcher_;
};

TEST_F(DeviceWatcherTest, QuietHostMeansNoChange) { EXPECT_FALSE(watcher_->ReadEvents()); }

TEST_F(DeviceWatcherTest, SgxNodesInDevWakeButOtherDevicesDoNot) {
  dir_.Write("dev/tty7");
  dir_.Write("dev/null2");
  EXPECT_FALSE(watcher_->ReadEvents()) << "unrelated /dev churn";
  dir_.Write("dev/sgx_enclave");
  EXPECT_TRUE(watcher_->ReadEvents());
  std::filesystem::remove(Path("dev/sgx_enclave"));
  EXPECT_TRUE(watcher_->ReadEvents());
  dir_.Write("dev/isgx");
  EXPECT_TRUE(watcher_->ReadEvents());
  dir_.Write("dev/tdx_guest");
  EXPECT_TRUE(watcher_->ReadEvents()) << "confidential VM guest nodes count too";
}

TEST_F(DeviceWatcherTest, DcapFolderCreatedLaterIsWatchedAndSoAreItsSuccessors) {
  for (int round = 0; round < 3; ++round) {
    dir_.Mkdir("dev/sgx");
    EXPECT_TRUE(watcher_->ReadEvents()) << "round " << round;
    dir_.Write("dev/sgx/enclave");
    EXPECT_TRUE(watcher_->ReadEvents()) << "inside the new folder, round " << round;
    std::filesystem::remove_all(Path("dev/sgx"));
    EXPECT_TRUE(watcher_->ReadEvents()) << "round " << round;
  }
}

TEST_F(DeviceWatcherTest, SysfsValuesRewrittenOrRemovedWake) {
  dir_.Write("sys/devices/system/node/node0/x86/sgx_total_bytes", "-1\n");
  EXPECT_TRUE(watcher_->ReadEvents());
  std::filesystem::remove(Path("sys/devices/system/node/node0/x86/sgx_total_bytes"));
  EXPECT_TRUE(watcher_->ReadEvents());
  std::filesystem::remove_all(Path("sys/devices/system/node/node0/x86"));
  EXPECT_TRUE(watcher_->ReadEvents());
  // A NUMA node appearing later (memory hot-plug) is watched from then on.
  dir_.Write("sys/devices/system/node/node1/x86/sgx_total_bytes", "1\n");
  EXPECT_TRUE(watcher_->ReadEvents());
  dir_.Write("sys/devices/system/node/node1/x86/sgx_total_bytes", "2\n");
  EXPECT_TRUE(watcher_->ReadEvents());
}

// The daemon's shape: the watcher's fd on an EventLoop thread, changes made from another thread.
TEST_F(DeviceWatcherTest, WakesTheEventLoopForEachChange) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status();
  teedp::Mutex mutex;
  int wakeups = 0;
  ASSERT_TRUE((*loop)
                  ->Watch(watcher_->fd(),
                          [&] {
                            if (!watcher_->ReadEvents()) return;
                            teedp::MutexLock lock(&mutex);
                            ++wakeups;
                          })
                  .ok());
  std::thread thread([&] { (*loop)->Run(); });
  for (int i = 0; i < 20; ++i) {
    const int before = [&] {
      teedp::MutexLock lock(&mutex);
      return wakeups;
    }();
    if (i % 2 == 0) {
      dir_.Write("dev/sgx_enclave");
    } else {
      std::filesystem::remove(Path("dev/sgx_enclave"));
    }
    const bool woke = testing::Eventually([&] {
      teedp::MutexLock lock(&mutex);
      return wakeups > before;
    });
    EXPECT_TRUE(woke) << "change " << i;
  }
  (*loop)->Quit();
  thread.join();
}

}  // namespace
}  // namespace teedp::health
