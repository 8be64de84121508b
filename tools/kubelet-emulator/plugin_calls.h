// Provides the client side of v1beta1.DevicePlugin as the kubelet uses it: dialing a plugin
// socket with the kubelet's receive limit, unary calls with a deadline, and the conversion of
// gRPC statuses to absl::Status.
// Thread safety: free functions; a Stub may be shared by concurrent calls (gRPC allows it).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "kubelet_emulator.h"

namespace teedp::emulator {

using PluginStub = v1beta1::DevicePlugin::Stub;

// Keeps the code and the message; gRPC and absl number their codes the same way.
absl::Status ToAbslStatus(const grpc::Status& status);

// A channel to the plugin socket at `socket_path` whose receive limit is `max_receive_bytes`.
// InvalidArgument when the path is not absolute or too long for a unix socket. The channel
// connects lazily, like any gRPC channel.
absl::StatusOr<std::shared_ptr<grpc::Channel>> DialPlugin(const std::string& socket_path,
                                                          size_t max_receive_bytes);

// Each call waits at most `timeout`; errors carry the plugin's code and message
// (DeadlineExceeded when it did not answer in time).
absl::StatusOr<v1beta1::DevicePluginOptions> CallGetDevicePluginOptions(
    PluginStub& stub, std::chrono::milliseconds timeout);
absl::StatusOr<v1beta1::AllocateResponse> CallAllocate(PluginStub& stub,
                                                       const v1beta1::AllocateRequest& request,
                                                       std::chrono::milliseconds timeout);
absl::StatusOr<v1beta1::PreferredAllocationResponse> CallGetPreferredAllocation(
    PluginStub& stub, const v1beta1::PreferredAllocationRequest& request,
    std::chrono::milliseconds timeout);

// Opens ListAndWatch, returns its first message and closes the stream. DeadlineExceeded when no
// list came within `timeout`; the stream's own error (e.g. RESOURCE_EXHAUSTED) otherwise.
absl::StatusOr<v1beta1::ListAndWatchResponse> CallFirstList(PluginStub& stub,
                                                            std::chrono::milliseconds timeout);

// The device list of one ListAndWatch message in the emulator's terms.
std::vector<DeviceView> ToDeviceViews(const v1beta1::ListAndWatchResponse& response);

}  // namespace teedp::emulator
