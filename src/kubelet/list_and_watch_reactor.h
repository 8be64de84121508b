// Provides ListAndWatchReactor, one kubelet ListAndWatch stream: it sends the current device list
// at once, then every newer snapshot, keeping only the latest while a write is in flight so a slow
// reader never blocks the store or other streams.
// Thread safety: gRPC calls the reactions on its threads; the store calls OnSnapshot on the
// publisher's thread; shared state is under mutex_. The reactor deletes itself in OnDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "kubelet/service_counters.h"
#include "kubelet/snapshot_store.h"

namespace tee::kubelet {

// Writes pre-serialized ListAndWatchResponse bytes (a raw method), so no message is re-encoded.
class ListAndWatchReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                                  public SnapshotStore::Watcher {
 public:
  // Registers with `store` and starts the first write; `store` and `counters` must outlive the
  // reactor.
  ListAndWatchReactor(SnapshotStore* store, ServiceCounters* counters);

  void OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void StartSendLocked(std::shared_ptr<const PluginSnapshot> snapshot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  SnapshotStore* store_;
  ServiceCounters* counters_;
  const std::chrono::steady_clock::time_point opened_;
  tee::Mutex mutex_;
  // The message being written lives in this snapshot; held until OnWriteDone.
  std::shared_ptr<const PluginSnapshot> in_flight_ ABSL_GUARDED_BY(mutex_);
  std::shared_ptr<const PluginSnapshot> pending_ ABSL_GUARDED_BY(mutex_);
  uint64_t sent_version_ ABSL_GUARDED_BY(mutex_) = 0;
  bool started_ ABSL_GUARDED_BY(mutex_) = false;  // the constructor's first write is issued
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace tee::kubelet
