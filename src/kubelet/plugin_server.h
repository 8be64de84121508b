// Provides PluginServer: the gRPC server of one resource on its unix socket in the kubelet's
// plugin directory, with a receive limit large enough for Allocate with a million IDs. Calls run
// on the server's own completion-queue thread, which sleeps in the queue until gRPC has work.
// Thread safety: Start/Shutdown from one thread (the daemon's loop); the service runs on the
// server's queue thread.
#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "kubelet/device_plugin_service.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {

// A pod may ask for hundreds of thousands of units, each ID a few bytes plus framing.
inline constexpr int kMaxReceiveBytes = 256 * 1024 * 1024;

class PluginServer {
 public:
  // Serves a DevicePluginService over `store` on `socket_path` (each server has its own service
  // object, so an old server can finish shutting down while a new one serves). A socket file
  // left by an earlier run is removed; when another process still answers on it,
  // FailedPrecondition (two plugins must not fight over one resource). Unavailable when the
  // socket cannot be bound. `store` and `counters` must outlive the server.
  static absl::StatusOr<std::unique_ptr<PluginServer>> Start(const std::string& socket_path,
                                                             SnapshotStore* store,
                                                             ServiceCounters* counters);
  ~PluginServer();

  // Stops accepting calls, cancels open streams after `grace`, and removes the socket file when it
  // is still the one this server created. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

  // True while the socket file this server bound still exists (someone may have deleted it).
  bool SocketIsOurs() const;
  // Removes the socket file when it is still the one this server bound.
  void RemoveSocketIfOurs() const;
  const std::string& socket_path() const { return socket_path_; }

 private:
  PluginServer(std::string socket_path, std::unique_ptr<DevicePluginService> service,
               std::unique_ptr<grpc::ServerCompletionQueue> queue,
               std::unique_ptr<grpc::Server> server);
  // Remembers which file is ours, once it is at socket_path_.
  void RecordSocketIdentity();

  std::string socket_path_;
  // Destroyed in reverse: the server, then the queue (drained by then), then the service.
  std::unique_ptr<DevicePluginService> service_;
  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  QueueGate gate_;
  std::unique_ptr<grpc::Server> server_;
  // One thread: the kubelet makes one call at a time, a stream waiting on a slow reader holds
  // no thread, and a call's tags never run concurrently (ListAndWatchStream relies on it).
  std::thread queue_thread_;
  ino_t inode_ = 0;
  dev_t device_ = 0;
};

// True when something accepts connections on the unix socket at `path`.
bool SocketAnswers(const std::string& path);

}  // namespace teedp::kubelet
