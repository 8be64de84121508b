// Provides DevicePluginService, the v1beta1.DevicePlugin gRPC service for one resource, through
// gRPC's async API: call objects (UnaryCall, ListAndWatchStream) wait on the server's completion
// queue, and the server's own thread runs them. It only translates: IDs go to
// resources::UnitSelection, answers come from resources:: policy, and the result is converted
// back to proto. All state comes from the SnapshotStore.
// Thread safety: Listen once, before the queue's thread runs; each call reads one immutable
// snapshot.
#pragma once

#include <grpcpp/grpcpp.h>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "kubelet/async_call.h"
#include "kubelet/service_counters.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {

class DevicePluginService {
 public:
  // `store` and `counters` must outlive the service and every call it took.
  DevicePluginService(SnapshotStore* store, ServiceCounters* counters)
      : store_(store), counters_(counters) {}

  // What to register with the grpc::ServerBuilder.
  grpc::Service* service() { return &service_; }
  // Waits for the first call of every method on `queue`; each call then waits for the next of
  // its kind. `queue` and `gate` must belong to the server the service was registered with and
  // outlive every call.
  void Listen(grpc::ServerCompletionQueue* queue, QueueGate* gate);

  const ServiceCounters& counters() const { return *counters_; }

 private:
  DevicePluginAsyncService service_;
  SnapshotStore* store_;
  ServiceCounters* counters_;
};

// The options this plugin registers with and reports: preferred allocation on, no pre-start.
v1beta1::DevicePluginOptions PluginOptions();

}  // namespace teedp::kubelet
