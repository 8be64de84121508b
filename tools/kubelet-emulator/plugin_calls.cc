#include "plugin_calls.h"

#include "registration_rules.h"

namespace teedp::emulator {
namespace {

void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> DialPlugin(const std::string& socket_path,
                                                          size_t max_receive_bytes) {
  absl::StatusOr<std::string> address = UnixSocketAddress(socket_path);
  if (!address.ok()) return address.status();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(max_receive_bytes));
  // A fresh subchannel per dial, as a new kubelet connection would be, instead of reusing a
  // connection that gRPC's global pool kept to a socket the plugin has since replaced.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(*address, grpc::InsecureChannelCredentials(), args);
}

absl::StatusOr<v1beta1::DevicePluginOptions> CallGetDevicePluginOptions(
    PluginStub& stub, std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  v1beta1::DevicePluginOptions options;
  grpc::Status status = stub.GetDevicePluginOptions(&context, v1beta1::Empty(), &options);
  if (!status.ok()) return ToAbslStatus(status);
  return options;
}

absl::StatusOr<v1beta1::AllocateResponse> CallAllocate(PluginStub& stub,
                                                       const v1beta1::AllocateRequest& request,
                                                       std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  v1beta1::AllocateResponse response;
  grpc::Status status = stub.Allocate(&context, request, &response);
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

absl::StatusOr<v1beta1::PreferredAllocationResponse> CallGetPreferredAllocation(
    PluginStub& stub, const v1beta1::PreferredAllocationRequest& request,
    std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  v1beta1::PreferredAllocationResponse response;
  grpc::Status status = stub.GetPreferredAllocation(&context, request, &response);
  if (!status.ok()) return ToAbslStatus(status);
  return response;
}

absl::StatusOr<v1beta1::ListAndWatchResponse> CallFirstList(PluginStub& stub,
                                                            std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  auto reader = stub.ListAndWatch(&context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse response;
  if (reader->Read(&response)) {
    // One list is all we wanted; cancelling is how a client leaves a server stream early.
    context.TryCancel();
    reader->Finish().ok();
    return response;
  }
  grpc::Status status = reader->Finish();
  if (status.ok()) return absl::UnavailableError("the plugin ended ListAndWatch without a list");
  return ToAbslStatus(status);
}

std::vector<DeviceView> ToDeviceViews(const v1beta1::ListAndWatchResponse& response) {
  std::vector<DeviceView> devices;
  devices.reserve(response.devices_size());
  for (const v1beta1::Device& device : response.devices()) {
    DeviceView view{.id = device.id(), .health = device.health(), .numa_nodes = {}};
    for (const v1beta1::NUMANode& node : device.topology().nodes()) {
      view.numa_nodes.push_back(node.id());
    }
    devices.push_back(std::move(view));
  }
  return devices;
}

}  // namespace teedp::emulator
