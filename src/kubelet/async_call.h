// Provides the plumbing the async DevicePlugin server's call objects share: CompletionTag (what
// every tag on the server's completion queue is), MemberTag (a tag that calls a member function),
// QueueGate (stops new operations once the queue shuts down) and CallEnvironment (what a call
// needs from its server), plus the generated async service type.
// Thread safety: QueueGate is safe from any thread; tags run on the queue's thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "kubelet/service_counters.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {

// Every method through the async API; ListAndWatch raw, so streams write the snapshot's
// pre-serialized bytes and no message is re-encoded.
using DevicePluginAsyncService = v1beta1::DevicePlugin::WithAsyncMethod_GetDevicePluginOptions<
    v1beta1::DevicePlugin::WithRawMethod_ListAndWatch<
        v1beta1::DevicePlugin::WithAsyncMethod_GetPreferredAllocation<
            v1beta1::DevicePlugin::WithAsyncMethod_Allocate<
                v1beta1::DevicePlugin::WithAsyncMethod_PreStartContainer<
                    v1beta1::DevicePlugin::Service>>>>>;

// Every tag handed to the server's completion queue is a CompletionTag; the queue's thread calls
// OnComplete with the event's success bit.
class CompletionTag {
 public:
  virtual void OnComplete(bool ok) = 0;

 protected:
  ~CompletionTag() = default;
};

// A tag that calls `Method` on its owner; a call object holds one per kind of operation.
template <typename Owner, void (Owner::*Method)(bool)>
class MemberTag final : public CompletionTag {
 public:
  explicit MemberTag(Owner* owner) : owner_(owner) {}
  void OnComplete(bool ok) override { (owner_->*Method)(ok); }

 private:
  Owner* owner_;
};

// gRPC aborts when an operation starts on a completion queue that has shut down. Streams start
// writes from the publisher's thread, which knows nothing of the server's shutdown, so every
// operation starts through the gate, and the server closes the gate before shutting the queue.
class QueueGate {
 public:
  // Runs `start` (which must not block) unless the gate is closed; returns whether it ran.
  template <typename Start>
  bool StartIfOpen(Start&& start) {
    teedp::MutexLock lock(&mutex_);
    if (!open_) return false;
    start();
    return true;
  }
  // From now on StartIfOpen runs nothing; returns once no start is running.
  void Close() {
    teedp::MutexLock lock(&mutex_);
    open_ = false;
  }

 private:
  teedp::Mutex mutex_;
  bool open_ ABSL_GUARDED_BY(mutex_) = true;
};

// What a call object borrows from its server; everything outlives every call.
struct CallEnvironment {
  DevicePluginAsyncService* service = nullptr;
  grpc::ServerCompletionQueue* queue = nullptr;
  QueueGate* gate = nullptr;
  SnapshotStore* store = nullptr;
  ServiceCounters* counters = nullptr;
};

}  // namespace teedp::kubelet
