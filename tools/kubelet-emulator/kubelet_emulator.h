// Provides KubeletEmulator, a stand-in for the kubelet's device-plugin manager with the real
// kubelet's habits: it serves v1beta1.Registration on <dir>/kubelet.sock, validates Register the
// way the kubelet does, dials the plugin's socket, opens ListAndWatch at once with gRPC's default
// 4 MiB receive limit, keeps the latest device list per resource, and on Restart() wipes every file
// in the directory except its checkpoint and creates a fresh kubelet.sock.
// Thread safety: all public methods are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "deviceplugin/v1beta1/api.pb.h"

namespace teedp::emulator {

inline constexpr size_t kKubeletMaxReceiveBytes = size_t{4} << 20;  // gRPC's default

struct EmulatorOptions {
  std::string plugin_dir;  // must exist
  size_t max_receive_bytes = kKubeletMaxReceiveBytes;
  std::chrono::milliseconds rpc_timeout{10000};  // per unary call to the plugin
  // Added: one human-readable line per event (registration accepted or rejected, device list,
  // stream end). Called from gRPC and stream threads, never with the emulator's lock held.
  std::function<void(const std::string&)> on_event = nullptr;
};

struct DeviceView {
  std::string id;
  std::string health;
  std::vector<int64_t> numa_nodes;
  friend bool operator==(const DeviceView&, const DeviceView&) = default;
};

// What the emulator knows of one registered resource.
struct ResourceView {
  std::string resource_name;
  std::string endpoint;  // socket file name from RegisterRequest
  v1beta1::DevicePluginOptions options;
  int registrations = 0;           // Register calls accepted for this resource since Start
  int list_and_watch_updates = 0;  // ListAndWatch messages received on the current stream
  bool stream_open = false;
  std::string stream_error;  // last stream failure ("" while fine), e.g. message too large
  size_t last_message_bytes = 0;
  std::vector<DeviceView> devices;  // the latest complete list
  // Added: what GetDevicePluginOptions answered after the first list (`options` above is what
  // the RegisterRequest carried); nullopt until it answered.
  std::optional<v1beta1::DevicePluginOptions> reported_options = std::nullopt;
  int HealthyCount() const;
};

// One container admitted the way the kubelet does it: preferred allocation (when the plugin
// offers it), then Allocate, then the IDs are recorded in the checkpoint.
struct AdmittedContainer {
  std::vector<std::string> device_ids;
  v1beta1::ContainerAllocateResponse response;
  bool preferred_used = false;  // added: the plugin's preferred answer was valid and used
};

class KubeletEmulator {
 public:
  // Starts serving <plugin_dir>/kubelet.sock. Fails when the directory is missing or the socket
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<KubeletEmulator>> Start(EmulatorOptions options);
  ~KubeletEmulator();  // Stops: closes streams, removes kubelet.sock.

  // The kubelet restarting: stop serving, close plugin connections, remove every file in the
  // directory except kubelet_internal_checkpoint, then serve a new kubelet.sock.
  absl::Status Restart();
  // Stops serving and removes kubelet.sock (the kubelet gone), without wiping plugin sockets.
  void Stop();

  std::optional<ResourceView> Resource(const std::string& resource_name) const;
  // Waits until `pred` holds for the resource's view (or the timeout passes); returns the last
  // view seen when it held. Wakes on every registration and stream update, no polling.
  std::optional<ResourceView> WaitFor(const std::string& resource_name,
                                      const std::function<bool(const ResourceView&)>& pred,
                                      std::chrono::milliseconds timeout) const;

  // Direct calls on the registered plugin's socket (NotFound when the resource is not registered;
  // otherwise the plugin's gRPC status converted to absl::Status, code and message kept).
  absl::StatusOr<v1beta1::DevicePluginOptions> GetDevicePluginOptions(
      const std::string& resource_name);
  absl::StatusOr<v1beta1::AllocateResponse> Allocate(const std::string& resource_name,
                                                     const v1beta1::AllocateRequest& request);
  absl::StatusOr<v1beta1::PreferredAllocationResponse> GetPreferredAllocation(
      const std::string& resource_name, const v1beta1::PreferredAllocationRequest& request);

  // Admits one container asking for `count` units: chooses from healthy devices not yet
  // checkpointed, asks for the preferred allocation, checks the answer like the kubelet does
  // (right size, only available IDs, must-include kept), calls Allocate, checks one container
  // response came back, and checkpoints the IDs under pod/container.
  absl::StatusOr<AdmittedContainer> AdmitContainer(const std::string& resource_name,
                                                   const std::string& pod,
                                                   const std::string& container, int64_t count);
  // Frees a pod's checkpointed devices.
  void RemovePod(const std::string& pod);
  // IDs checkpointed for the resource, over all pods.
  std::vector<std::string> CheckpointedIds(const std::string& resource_name) const;

  const std::string& plugin_dir() const;
  std::string socket_path() const;  // <plugin_dir>/kubelet.sock

 private:
  class Impl;
  explicit KubeletEmulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace teedp::emulator
