// Provides RegistrationServer, the v1beta1.Registration service the kubelet serves on
// <dir>/kubelet.sock; each Register is handed to a handler that decides the answer.
// Thread safety: the handler runs on gRPC's threads, possibly several at once; Shutdown and the
// destructor may be called from any thread except the handler's.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"

namespace teedp::emulator {

// Returns OK to accept the registration; any other status goes back to the plugin with its code
// and message.
using RegisterHandler = std::function<absl::Status(const v1beta1::RegisterRequest&)>;

class RegistrationServer {
 public:
  // Binds `socket_path` (replacing a stale file) and serves. InvalidArgument when the path cannot
  // be a unix socket; Unavailable when gRPC cannot bind it. `handler` must outlive the server.
  static absl::StatusOr<std::unique_ptr<RegistrationServer>> Start(const std::string& socket_path,
                                                                   RegisterHandler handler);
  ~RegistrationServer();  // Shutdown()

  // Stops accepting calls, waits for handlers in flight, and removes the socket file. Idempotent.
  void Shutdown();

 private:
  class Service;
  RegistrationServer(std::string socket_path, std::unique_ptr<Service> service);

  const std::string socket_path_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace teedp::emulator
