#include "kubelet/device_plugin_service.h"

#include "kubelet/allocation_handlers.h"
#include "kubelet/list_and_watch_reactor.h"
#include "kubelet/status_conversion.h"

namespace tee::kubelet {
namespace {

using Clock = std::chrono::steady_clock;

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
  counters_->RecordCall(Rpc::kGetDevicePluginOptions, grpc::StatusCode::OK, {});
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* DevicePluginService::ListAndWatch(
    grpc::CallbackServerContext* /*context*/, const grpc::ByteBuffer* /*request*/) {
  counters_->RecordStreamOpened();
  return new ListAndWatchReactor(store_, counters_);
}

grpc::ServerUnaryReactor* DevicePluginService::GetPreferredAllocation(
    grpc::CallbackServerContext* context, const v1beta1::PreferredAllocationRequest* request,
    v1beta1::PreferredAllocationResponse* response) {
  Clock::time_point start = Clock::now();
  std::shared_ptr<const PluginSnapshot> snapshot = store_->Current();
  grpc::Status status =
      ToGrpcStatus(HandlePreferredAllocation(*snapshot->plan, *request, response));
  counters_->RecordCall(Rpc::kGetPreferredAllocation, status.error_code(), Clock::now() - start);
  return FinishNow(context, status);
}

grpc::ServerUnaryReactor* DevicePluginService::Allocate(grpc::CallbackServerContext* context,
                                                        const v1beta1::AllocateRequest* request,
                                                        v1beta1::AllocateResponse* response) {
  Clock::time_point start = Clock::now();
  std::shared_ptr<const PluginSnapshot> snapshot = store_->Current();
  grpc::Status status = ToGrpcStatus(HandleAllocate(*snapshot->plan, *request, response));
  if (!status.ok()) response->Clear();
  counters_->RecordCall(Rpc::kAllocate, status.error_code(), Clock::now() - start);
  return FinishNow(context, status);
}

grpc::ServerUnaryReactor* DevicePluginService::PreStartContainer(
    grpc::CallbackServerContext* context, const v1beta1::PreStartContainerRequest* /*request*/,
    v1beta1::PreStartContainerResponse* /*response*/) {
  // Registered with pre_start_required=false; answer OK if a kubelet calls anyway.
  counters_->RecordCall(Rpc::kPreStartContainer, grpc::StatusCode::OK, {});
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace tee::kubelet
