#include "kubelet/snapshot_store.h"

#include <utility>

#include "kubelet/device_list_encoder.h"

namespace teedp::kubelet {

std::shared_ptr<const PluginSnapshot> MakeSnapshot(
    uint64_t version, std::shared_ptr<const resources::ResourcePlan> plan) {
  auto snapshot = std::make_shared<PluginSnapshot>();
  snapshot->version = version;
  snapshot->device_count = plan->unit_count;
  snapshot->plan = std::move(plan);
  return snapshot;
}

const grpc::ByteBuffer& PluginSnapshot::devices() const {
  std::call_once(encode_once_, [this] {
    grpc::Slice slice = SerializeDeviceList(*plan);
    devices_ = grpc::ByteBuffer(&slice, 1);  // takes a reference, no copy
    encoded_.store(true, std::memory_order_release);
  });
  return devices_;
}

SnapshotStore::SnapshotStore(std::shared_ptr<const PluginSnapshot> initial)
    : current_(std::move(initial)) {}

SnapshotStore::~SnapshotStore() = default;

std::shared_ptr<const PluginSnapshot> SnapshotStore::Current() const {
  teedp::MutexLock lock(&mutex_);
  return current_;
}

void SnapshotStore::Publish(std::shared_ptr<const PluginSnapshot> snapshot) {
  snapshot->devices();  // outside the lock, and not in a watcher's reaction
  teedp::MutexLock lock(&mutex_);
  current_ = std::move(snapshot);
  for (Watcher* watcher : watchers_) watcher->OnSnapshot(current_);
}

std::shared_ptr<const PluginSnapshot> SnapshotStore::AddWatcher(Watcher* watcher) {
  teedp::MutexLock lock(&mutex_);
  watchers_.insert(watcher);
  return current_;
}

void SnapshotStore::RemoveWatcher(Watcher* watcher) {
  teedp::MutexLock lock(&mutex_);
  watchers_.erase(watcher);
}

bool SnapshotStore::WaitForNoWatchers(absl::Duration timeout) {
  teedp::MutexLock lock(&mutex_);
  auto none_left = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return watchers_.empty(); };
  return mutex_.AwaitWithTimeout(none_left, timeout);
}

size_t SnapshotStore::WatcherCount() const {
  teedp::MutexLock lock(&mutex_);
  return watchers_.size();
}

}  // namespace teedp::kubelet
