#include "kubelet/device_plugin_service.h"

#include "kubelet/allocation_handlers.h"
#include "kubelet/list_and_watch_stream.h"
#include "kubelet/status_conversion.h"
#include "kubelet/unary_call.h"

namespace teedp::kubelet {
namespace {

struct GetDevicePluginOptionsMethod {
  using Request = v1beta1::Empty;
  using Response = v1beta1::DevicePluginOptions;
  static constexpr Rpc kRpc = Rpc::kGetDevicePluginOptions;
  static constexpr auto kRequest = &DevicePluginAsyncService::RequestGetDevicePluginOptions;
  static grpc::Status Handle(const CallEnvironment& /*environment*/, const Request& /*request*/,
                             Response* response) {
    *response = PluginOptions();
    return grpc::Status::OK;
  }
};

struct GetPreferredAllocationMethod {
  using Request = v1beta1::PreferredAllocationRequest;
  using Response = v1beta1::PreferredAllocationResponse;
  static constexpr Rpc kRpc = Rpc::kGetPreferredAllocation;
  static constexpr auto kRequest = &DevicePluginAsyncService::RequestGetPreferredAllocation;
  static grpc::Status Handle(const CallEnvironment& environment, const Request& request,
                             Response* response) {
    std::shared_ptr<const PluginSnapshot> snapshot = environment.store->Current();
    return ToGrpcStatus(HandlePreferredAllocation(*snapshot->plan, request, response));
  }
};

struct AllocateMethod {
  using Request = v1beta1::AllocateRequest;
  using Response = v1beta1::AllocateResponse;
  static constexpr Rpc kRpc = Rpc::kAllocate;
  static constexpr auto kRequest = &DevicePluginAsyncService::RequestAllocate;
  static grpc::Status Handle(const CallEnvironment& environment, const Request& request,
                             Response* response) {
    std::shared_ptr<const PluginSnapshot> snapshot = environment.store->Current();
    grpc::Status status = ToGrpcStatus(HandleAllocate(*snapshot->plan, request, response));
    if (!status.ok()) response->Clear();
    return status;
  }
};

struct PreStartContainerMethod {
  using Request = v1beta1::PreStartContainerRequest;
  using Response = v1beta1::PreStartContainerResponse;
  static constexpr Rpc kRpc = Rpc::kPreStartContainer;
  static constexpr auto kRequest = &DevicePluginAsyncService::RequestPreStartContainer;
  // Registered with pre_start_required=false; answer OK if a kubelet calls anyway.
  static grpc::Status Handle(const CallEnvironment& /*environment*/, const Request& /*request*/,
                             Response* /*response*/) {
    return grpc::Status::OK;
  }
};

}  // namespace

v1beta1::DevicePluginOptions PluginOptions() {
  v1beta1::DevicePluginOptions options;
  options.set_pre_start_required(false);
  options.set_get_preferred_allocation_available(true);
  return options;
}

void DevicePluginService::Listen(grpc::ServerCompletionQueue* queue, QueueGate* gate) {
  const CallEnvironment environment{
      .service = &service_, .queue = queue, .gate = gate, .store = store_, .counters = counters_};
  UnaryCall<GetDevicePluginOptionsMethod>::Listen(environment);
  ListAndWatchStream::Listen(environment);
  UnaryCall<GetPreferredAllocationMethod>::Listen(environment);
  UnaryCall<AllocateMethod>::Listen(environment);
  UnaryCall<PreStartContainerMethod>::Listen(environment);
}

}  // namespace teedp::kubelet
