// Provides PluginConnection, the kubelet's side of one registered plugin: a channel to its socket
// and a thread that reads ListAndWatch from the moment the connection starts, asking for the
// plugin's options after the first list arrives.
// Thread safety: Start/Stop belong to the owner; stub() may be used from any thread. Callbacks
// run on the connection's thread, so the owner must not hold a lock they take while calling Stop.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "plugin_calls.h"

namespace teedp::emulator {

struct StreamCallbacks {
  std::function<void()> on_open;  // the plugin answered the ListAndWatch call
  // One complete device list and its encoded size in bytes.
  std::function<void(const v1beta1::ListAndWatchResponse&, size_t)> on_list;
  std::function<void(const absl::StatusOr<v1beta1::DevicePluginOptions>&)> on_options;
  // The stream ended: OK when the plugin finished it, else why (e.g. RESOURCE_EXHAUSTED for a
  // message above the receive limit). Not called when Stop() cancelled the stream.
  std::function<void(const absl::Status&)> on_closed;
};

class PluginConnection {
 public:
  // Prepares a channel to `socket_path`; nothing is sent until Start(). InvalidArgument when the
  // path cannot be a unix socket address.
  static absl::StatusOr<std::unique_ptr<PluginConnection>> Create(
      const std::string& socket_path, size_t max_receive_bytes,
      std::chrono::milliseconds rpc_timeout, StreamCallbacks callbacks);
  ~PluginConnection();  // Stop()

  PluginConnection(const PluginConnection&) = delete;
  PluginConnection& operator=(const PluginConnection&) = delete;

  // Opens ListAndWatch on the connection's own thread. Call once.
  void Start();
  // Cancels the stream and any call in flight and joins the thread; prompt even when the plugin
  // never answers. Idempotent.
  void Stop();

  // For unary calls; shared so a call in flight survives the connection being replaced.
  std::shared_ptr<PluginStub> stub() const { return stub_; }

 private:
  PluginConnection(std::shared_ptr<PluginStub> stub, std::chrono::milliseconds rpc_timeout,
                   StreamCallbacks callbacks);
  void ReadStream();
  void FetchOptions();

  const std::shared_ptr<PluginStub> stub_;
  const std::chrono::milliseconds rpc_timeout_;
  const StreamCallbacks callbacks_;
  // Both contexts are cancelled by Stop(); gRPC accepts TryCancel before a call starts too.
  grpc::ClientContext stream_context_;
  grpc::ClientContext options_context_;
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

}  // namespace teedp::emulator
