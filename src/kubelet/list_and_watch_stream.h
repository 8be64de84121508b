// Provides ListAndWatchStream, one kubelet ListAndWatch stream through the async API: it sends
// the current device list at once, then every newer snapshot, with at most one write in flight
// and only the latest snapshot pending, so a slow reader never blocks the store or other calls.
// Thread safety: tags run on the server's completion-queue thread, which must be the queue's only
// thread (a call's tags never run concurrently); the store calls OnSnapshot on the publisher's
// thread, which then starts the next write itself; shared state is under mutex_. The stream
// deletes itself once the call is done and none of its operations is outstanding.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"
#include "kubelet/async_call.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {

class ListAndWatchStream final : public SnapshotStore::Watcher {
 public:
  // Waits for the next ListAndWatch call; nothing when the server is shutting down.
  static void Listen(const CallEnvironment& environment);

  void OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) override;

 private:
  explicit ListAndWatchStream(const CallEnvironment& environment);

  void OnRequested(bool ok);
  void OnWriteDone(bool ok);
  void OnFinishSent(bool ok);
  void OnDone(bool ok);

  void StartWriteLocked(std::shared_ptr<const PluginSnapshot> snapshot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Ends the stream once: counts it and, when `send` and the call is still open, sends `status`.
  void FinishLocked(const grpc::Status& status, bool send) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // True once the call is done and no operation is outstanding: nothing refers to the stream
  // any more, so the caller deletes it after unlocking.
  bool ReleasableLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Release();

  const CallEnvironment environment_;
  grpc::ServerContext context_;
  grpc::ByteBuffer request_;  // google.protobuf.Empty; unread
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
  MemberTag<ListAndWatchStream, &ListAndWatchStream::OnRequested> requested_tag_;
  MemberTag<ListAndWatchStream, &ListAndWatchStream::OnWriteDone> written_tag_;
  MemberTag<ListAndWatchStream, &ListAndWatchStream::OnFinishSent> finish_sent_tag_;
  MemberTag<ListAndWatchStream, &ListAndWatchStream::OnDone> done_tag_;
  std::chrono::steady_clock::time_point opened_;

  teedp::Mutex mutex_;
  // The message being written lives in this snapshot; held until its write completes.
  std::shared_ptr<const PluginSnapshot> in_flight_ ABSL_GUARDED_BY(mutex_);
  std::shared_ptr<const PluginSnapshot> pending_ ABSL_GUARDED_BY(mutex_);
  uint64_t sent_version_ ABSL_GUARDED_BY(mutex_) = 0;
  bool started_ ABSL_GUARDED_BY(mutex_) = false;   // the first write was issued
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;  // counted; no more writes
  bool finish_in_flight_ ABSL_GUARDED_BY(mutex_) = false;
  bool done_ ABSL_GUARDED_BY(mutex_) = false;  // gRPC reported the call over
#ifdef TEE_TSAN_PROBE_UNORDERED_WRITE
  // The probe's idea of "no write in flight", deliberately without ordering (see OnSnapshot).
  std::atomic<bool> probe_writer_idle_{false};
  void ProbeUnorderedWrite(std::shared_ptr<const PluginSnapshot> snapshot)
      ABSL_NO_THREAD_SAFETY_ANALYSIS;
#endif
};

}  // namespace teedp::kubelet
