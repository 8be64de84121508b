// Provides PodResourcesServer, the emulator's stand-in for the kubelet's PodResources v1 service
// (/var/lib/kubelet/pod-resources/kubelet.sock on a real node). List answers from the emulator's
// checkpoint file, read at every call, so it reports exactly the containers AdmitContainer
// admitted and RemovePod has not freed, with the device IDs they hold. Like the kubelet, it lists
// one ContainerDevices per device ID and NUMA node (the node the plugin gave the ID when it was
// admitted; none when it gave none), never one entry holding all of a container's IDs. A
// checkpoint pod named "namespace/pod" is reported in that namespace, any other in "default".
// Thread safety: List runs on gRPC's threads; Shutdown and the destructor from any other thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "podresources/v1/api.grpc.pb.h"

namespace teedp::emulator {

class PodResourcesServer {
 public:
  // Serves `socket_path` for the checkpoint in `plugin_dir` (the emulator's directory).
  // Unavailable when the socket cannot be bound, naming it.
  static absl::StatusOr<std::unique_ptr<PodResourcesServer>> Start(const std::string& socket_path,
                                                                   const std::string& plugin_dir);
  ~PodResourcesServer();  // Shutdown()

  // Stops serving and removes the socket file. Idempotent.
  void Shutdown();
  // List calls answered so far.
  int list_calls() const;

 private:
  class Service;
  PodResourcesServer(std::string socket_path, std::unique_ptr<Service> service);

  const std::string socket_path_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace teedp::emulator
