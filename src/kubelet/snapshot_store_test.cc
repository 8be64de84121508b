// The store without gRPC: publishers and watchers on several threads (run under TSan in CI).
#include "kubelet/snapshot_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kubelet/device_list_encoder.h"

namespace teedp::kubelet {
namespace {

std::shared_ptr<const PluginSnapshot> Snapshot(uint64_t version, uint32_t units) {
  auto plan = std::make_shared<resources::ResourcePlan>();
  plan->unit_count = units;
  plan->blocks = {{-1, 0, units}};
  plan->healthy = true;
  return MakeSnapshot(version, std::move(plan));
}

// Records the newest version it was told about, as a stream keeps only the latest.
class RecordingWatcher : public SnapshotStore::Watcher {
 public:
  void OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) override {
    latest_.store(snapshot->version);
    calls_.fetch_add(1);
  }
  std::atomic<uint64_t> latest_{0};
  std::atomic<int> calls_{0};
};

TEST(SnapshotStoreTest, AddWatcherReturnsTheCurrentSnapshot) {
  SnapshotStore store(Snapshot(1, 5));
  RecordingWatcher watcher;
  auto current = store.AddWatcher(&watcher);
  EXPECT_EQ(current->version, 1u);
  EXPECT_EQ(current->device_count, 5u);
  EXPECT_EQ(current->devices().Length(), BuildDeviceList(*current->plan).ByteSizeLong());
  store.RemoveWatcher(&watcher);
  EXPECT_TRUE(store.WaitForNoWatchers(absl::ZeroDuration()));
}

// The list is encoded on first use: streams opening at once, and the daemon's start-up, may all
// ask first. One of them encodes; every caller reads that one complete buffer (under TSan, an
// unsynchronised first use is reported as a race).
TEST(SnapshotStoreTest, ConcurrentFirstCallersShareOneEncodedList) {
  const std::shared_ptr<const PluginSnapshot> snapshot = Snapshot(1, 8192);
  EXPECT_FALSE(snapshot->encoded()) << "made without encoding";
  const size_t expected = BuildDeviceList(*snapshot->plan).ByteSizeLong();
  constexpr int kCallers = 4;
  std::vector<size_t> lengths(kCallers, 0);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] { lengths[i] = snapshot->devices().Length(); });
  }
  for (auto& thread : callers) thread.join();
  for (int i = 0; i < kCallers; ++i) EXPECT_EQ(lengths[i], expected) << "caller " << i;
  EXPECT_TRUE(snapshot->encoded());
}

// Records whether each snapshot it was handed was encoded already.
class EncodedRecordingWatcher : public SnapshotStore::Watcher {
 public:
  void OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) override {
    encoded_.push_back(snapshot->encoded());
  }
  std::vector<bool> encoded_;
};

// Watchers run under the store's lock (and a stream writes under its own): Publish encodes first.
TEST(SnapshotStoreTest, PublishHandsWatchersAnEncodedSnapshot) {
  SnapshotStore store(Snapshot(1, 64));
  EncodedRecordingWatcher watcher;
  store.AddWatcher(&watcher);
  store.Publish(Snapshot(2, 64));
  EXPECT_EQ(watcher.encoded_, std::vector<bool>{true});
  store.RemoveWatcher(&watcher);
}

TEST(SnapshotStoreTest, EveryWatcherSeesTheLastPublishUnderConcurrentChurn) {
  SnapshotStore store(Snapshot(1, 4));
  constexpr int kWatchers = 4;
  std::vector<RecordingWatcher> watchers(kWatchers);
  for (auto& watcher : watchers) store.AddWatcher(&watcher);
  std::atomic<bool> stop{false};
  // Short-lived watchers come and go while publishes run, like streams opening and closing.
  std::thread churn([&] {
    while (!stop.load()) {
      RecordingWatcher transient;
      store.AddWatcher(&transient);
      store.RemoveWatcher(&transient);
    }
  });
  std::vector<std::thread> publishers;
  for (int p = 0; p < 2; ++p) {
    publishers.emplace_back([&store, p] {
      for (uint64_t v = 2 + p; v < 400; v += 2) store.Publish(Snapshot(v, 4));
    });
  }
  for (auto& thread : publishers) thread.join();
  store.Publish(Snapshot(1000, 4));
  stop.store(true);
  churn.join();
  for (auto& watcher : watchers) {
    EXPECT_EQ(watcher.latest_.load(), 1000u);
    store.RemoveWatcher(&watcher);
  }
  EXPECT_EQ(store.Current()->version, 1000u);
  EXPECT_EQ(store.WatcherCount(), 0u);
}

TEST(SnapshotStoreTest, WaitForNoWatchersTimesOutWhileOneRemains) {
  SnapshotStore store(Snapshot(1, 1));
  RecordingWatcher watcher;
  store.AddWatcher(&watcher);
  EXPECT_FALSE(store.WaitForNoWatchers(absl::Milliseconds(10)));
  std::thread remover([&] { store.RemoveWatcher(&watcher); });
  EXPECT_TRUE(store.WaitForNoWatchers(absl::Seconds(5)));
  remover.join();
}

}  // namespace
}  // namespace teedp::kubelet
