#include "plugin_connection.h"

namespace teedp::emulator {

absl::StatusOr<std::unique_ptr<PluginConnection>> PluginConnection::Create(
    const std::string& socket_path, size_t max_receive_bytes, std::chrono::milliseconds rpc_timeout,
    StreamCallbacks callbacks) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      DialPlugin(socket_path, max_receive_bytes);
  if (!channel.ok()) return channel.status();
  std::shared_ptr<PluginStub> stub = v1beta1::DevicePlugin::NewStub(*channel);
  return std::unique_ptr<PluginConnection>(
      new PluginConnection(std::move(stub), rpc_timeout, std::move(callbacks)));
}

PluginConnection::PluginConnection(std::shared_ptr<PluginStub> stub,
                                   std::chrono::milliseconds rpc_timeout, StreamCallbacks callbacks)
    : stub_(std::move(stub)), rpc_timeout_(rpc_timeout), callbacks_(std::move(callbacks)) {}

PluginConnection::~PluginConnection() { Stop(); }

void PluginConnection::Start() {
  thread_ = std::thread([this] { ReadStream(); });
}

void PluginConnection::Stop() {
  cancelled_ = true;
  stream_context_.TryCancel();
  options_context_.TryCancel();
  if (thread_.joinable()) thread_.join();
}

void PluginConnection::ReadStream() {
  // Fail fast, like the kubelet giving up on a dial: a plugin must serve before it registers.
  std::unique_ptr<grpc::ClientReader<v1beta1::ListAndWatchResponse>> reader =
      stub_->ListAndWatch(&stream_context_, v1beta1::Empty());
  reader->WaitForInitialMetadata();
  if (!cancelled_) callbacks_.on_open();
  v1beta1::ListAndWatchResponse response;
  bool first = true;
  while (reader->Read(&response)) {
    callbacks_.on_list(response, response.ByteSizeLong());
    if (first) {
      first = false;
      FetchOptions();
    }
  }
  grpc::Status status = reader->Finish();
  if (!cancelled_) callbacks_.on_closed(ToAbslStatus(status));
}

void PluginConnection::FetchOptions() {
  options_context_.set_deadline(std::chrono::system_clock::now() + rpc_timeout_);
  v1beta1::DevicePluginOptions options;
  grpc::Status status =
      stub_->GetDevicePluginOptions(&options_context_, v1beta1::Empty(), &options);
  if (cancelled_) return;
  if (status.ok()) {
    callbacks_.on_options(options);
  } else {
    callbacks_.on_options(ToAbslStatus(status));
  }
}

}  // namespace teedp::emulator
