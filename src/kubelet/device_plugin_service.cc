#include "kubelet/device_plugin_service.h"

#include "kubelet/allocation_handlers.h"
#include "kubelet/list_and_watch_reactor.h"
#include "kubelet/status_conversion.h"

namespace tee::kubelet {
namespace {

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace

v1beta1::DevicePluginOptions PluginOptions() {
  v1beta1::DevicePluginOptions options;
  options.set_pre_start_required(false);
  options.set_get_preferred_allocation_available(true);
  return options;
}

grpc::ServerUnaryReactor* DevicePluginService::GetDevicePluginOptions(
    grpc::CallbackServerContext* context, const v1beta1::Empty* /*request*/,
    v1beta1::DevicePluginOptions* response) {
  *response = PluginOptions();
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* DevicePluginService::ListAndWatch(
    grpc::CallbackServerContext* /*context*/, const grpc::ByteBuffer* /*request*/) {
  counters_->list_and_watch_streams.fetch_add(1, std::memory_order_relaxed);
  return new ListAndWatchReactor(store_);
}

grpc::ServerUnaryReactor* DevicePluginService::GetPreferredAllocation(
    grpc::CallbackServerContext* context, const v1beta1::PreferredAllocationRequest* request,
    v1beta1::PreferredAllocationResponse* response) {
  std::shared_ptr<const PluginSnapshot> snapshot = store_->Current();
  return FinishNow(context,
                   ToGrpcStatus(HandlePreferredAllocation(*snapshot->plan, *request, response)));
}

grpc::ServerUnaryReactor* DevicePluginService::Allocate(grpc::CallbackServerContext* context,
                                                        const v1beta1::AllocateRequest* request,
                                                        v1beta1::AllocateResponse* response) {
  counters_->allocate_calls.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<const PluginSnapshot> snapshot = store_->Current();
  absl::Status status = HandleAllocate(*snapshot->plan, *request, response);
  if (!status.ok()) {
    counters_->allocate_errors.fetch_add(1, std::memory_order_relaxed);
    response->Clear();
  }
  return FinishNow(context, ToGrpcStatus(status));
}

grpc::ServerUnaryReactor* DevicePluginService::PreStartContainer(
    grpc::CallbackServerContext* context, const v1beta1::PreStartContainerRequest* /*request*/,
    v1beta1::PreStartContainerResponse* /*response*/) {
  // Registered with pre_start_required=false; answer OK if a kubelet calls anyway.
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace tee::kubelet
