// Provides DraServer: one DRA driver's two unix sockets. The DRAPlugin services (v1 and v1beta1)
// on <plugins-dir>/<driver>/dra.sock, and, once that answers, the registration service on
// <registry-dir>/<driver>-reg.sock, where the kubelet's plugin watcher finds it.
// Thread safety: Start and Shutdown from one thread; the services run on gRPC's threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dra/claim_preparer.h"
#include "dra/dra_plugin_service.h"
#include "dra/registration_service.h"

namespace teedp::dra {

inline constexpr char kDefaultRegistryDir[] = "/var/lib/kubelet/plugins_registry";
inline constexpr char kDefaultPluginsDir[] = "/var/lib/kubelet/plugins";

class DraServer {
 public:
  struct Options {
    std::string driver;
    std::string registry_dir = kDefaultRegistryDir;
    std::string plugins_dir = kDefaultPluginsDir;
  };

  // Creates <plugins-dir>/<driver>/ when missing, removes sockets a previous run left, and serves.
  // Unavailable naming the socket when a server cannot listen.
  static absl::StatusOr<std::unique_ptr<DraServer>> Start(
      const Options& options, ClaimPreparer* preparer,
      RegistrationService::StatusCallback on_registration);
  ~DraServer();
  DraServer(const DraServer&) = delete;
  DraServer& operator=(const DraServer&) = delete;

  // Stops both servers and removes their sockets (the kubelet then unregisters the driver).
  void Shutdown();

  const std::string& endpoint() const { return endpoint_; }
  const std::string& registration_socket() const { return registration_socket_; }
  // What the DRAPlugin services have answered (both versions together).
  const ClaimCounters& counters() const { return counters_; }

 private:
  DraServer(std::string endpoint, std::string registration_socket, ClaimPreparer* preparer,
            RegistrationService::StatusCallback on_registration, const std::string& driver);

  const std::string endpoint_;
  const std::string registration_socket_;
  ClaimCounters counters_;  // before the services, which record into it
  DraPluginV1 v1_;
  DraPluginV1beta1 v1beta1_;
  RegistrationService registration_;
  std::unique_ptr<grpc::Server> dra_server_;
  std::unique_ptr<grpc::Server> registration_server_;
};

}  // namespace teedp::dra
