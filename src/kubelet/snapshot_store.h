// Provides PluginSnapshot, the immutable state one resource serves (plan plus its device list,
// encoded on first use), and SnapshotStore, which holds the current snapshot and tells every open
// ListAndWatch stream when a new one is published.
// Thread safety: all SnapshotStore methods are safe from any thread. Watchers are called with the
// store's lock held, so OnSnapshot must not block or call back into the store.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/resource_plan.h"

namespace teedp::kubelet {

struct PluginSnapshot {
  uint64_t version = 0;
  std::shared_ptr<const resources::ResourcePlan> plan;
  size_t device_count = 0;

  // The serialized ListAndWatchResponse, encoded by the first caller and shared by every caller
  // after it (a ByteBuffer copy only takes a reference); the reference lives as long as the
  // snapshot. The first call does the encoding: half a millisecond for 8,192 units, tens of
  // milliseconds for the largest lists. Safe from any thread; a caller that comes while another
  // encodes waits for that one.
  const grpc::ByteBuffer& devices() const;
  // Whether devices() has been encoded; never waits.
  bool encoded() const { return encoded_.load(std::memory_order_acquire); }

 private:
  // std::call_once (pthread_once), not absl's: TSan sees the former's ordering, while Debian's
  // abseil is not instrumented and absl::call_once would look like a race to it.
  mutable std::once_flag encode_once_;
  mutable grpc::ByteBuffer devices_;
  mutable std::atomic<bool> encoded_{false};
};

// Builds a snapshot for `plan`; its device list is encoded on first use (devices()).
std::shared_ptr<const PluginSnapshot> MakeSnapshot(
    uint64_t version, std::shared_ptr<const resources::ResourcePlan> plan);

class SnapshotStore {
 public:
  class Watcher {
   public:
    virtual ~Watcher() = default;
    // A newer snapshot exists. Runs under the store's lock: do not block.
    virtual void OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) = 0;
  };

  explicit SnapshotStore(std::shared_ptr<const PluginSnapshot> initial);
  // REQUIRES: no watchers left (call WaitForNoWatchers after the server has shut down).
  ~SnapshotStore();

  std::shared_ptr<const PluginSnapshot> Current() const;
  // Encodes `snapshot`'s device list on the calling thread, then makes it current and hands it
  // to every watcher, which therefore never encodes one itself.
  void Publish(std::shared_ptr<const PluginSnapshot> snapshot);
  // Registers a watcher and returns the current snapshot, atomically, so no update is missed.
  std::shared_ptr<const PluginSnapshot> AddWatcher(Watcher* watcher);
  void RemoveWatcher(Watcher* watcher);
  // Returns true once no watcher is registered, false when `timeout` passed first.
  bool WaitForNoWatchers(absl::Duration timeout);
  size_t WatcherCount() const;

 private:
  mutable teedp::Mutex mutex_;
  std::shared_ptr<const PluginSnapshot> current_ ABSL_GUARDED_BY(mutex_);
  std::set<Watcher*> watchers_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace teedp::kubelet
