// Provides DevicePluginService, the v1beta1.DevicePlugin gRPC service for one resource. It only
// translates: IDs go to resources::UnitSelection, answers come from resources:: policy, and the
// result is converted back to proto. All state comes from the SnapshotStore.
// Thread safety: handlers run concurrently on gRPC's threads; each reads one immutable snapshot.
#pragma once

#include <grpcpp/grpcpp.h>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "kubelet/service_counters.h"
#include "kubelet/snapshot_store.h"

namespace tee::kubelet {

// The generated callback service, except ListAndWatch, which streams pre-serialized bytes.
using DevicePluginBase = v1beta1::DevicePlugin::WithCallbackMethod_GetDevicePluginOptions<
    v1beta1::DevicePlugin::WithRawCallbackMethod_ListAndWatch<
        v1beta1::DevicePlugin::WithCallbackMethod_GetPreferredAllocation<
            v1beta1::DevicePlugin::WithCallbackMethod_Allocate<
                v1beta1::DevicePlugin::WithCallbackMethod_PreStartContainer<
                    v1beta1::DevicePlugin::Service>>>>>;

class DevicePluginService final : public DevicePluginBase {
 public:
  // `store` and `counters` must outlive the service and every stream it opened.
  DevicePluginService(SnapshotStore* store, ServiceCounters* counters)
      : store_(store), counters_(counters) {}

  grpc::ServerUnaryReactor* GetDevicePluginOptions(grpc::CallbackServerContext* context,
                                                   const v1beta1::Empty* request,
                                                   v1beta1::DevicePluginOptions* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* ListAndWatch(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* GetPreferredAllocation(
      grpc::CallbackServerContext* context, const v1beta1::PreferredAllocationRequest* request,
      v1beta1::PreferredAllocationResponse* response) override;
  grpc::ServerUnaryReactor* Allocate(grpc::CallbackServerContext* context,
                                     const v1beta1::AllocateRequest* request,
                                     v1beta1::AllocateResponse* response) override;
  grpc::ServerUnaryReactor* PreStartContainer(
      grpc::CallbackServerContext* context, const v1beta1::PreStartContainerRequest* request,
      v1beta1::PreStartContainerResponse* response) override;

  const ServiceCounters& counters() const { return *counters_; }

 private:
  SnapshotStore* store_;
  ServiceCounters* counters_;
};

// The options this plugin registers with and reports: preferred allocation on, no pre-start.
v1beta1::DevicePluginOptions PluginOptions();

}  // namespace tee::kubelet
