#include "dra/dra_server.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

std::unique_ptr<grpc::Server> Serve(const std::string& socket, grpc::Service* first,
                                    grpc::Service* second = nullptr) {
  unlink(socket.c_str());  // left by a previous run; a live one would be ours too
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket, grpc::InsecureServerCredentials());
  builder.RegisterService(first);
  if (second != nullptr) builder.RegisterService(second);
  return builder.BuildAndStart();
}

}  // namespace

DraServer::DraServer(std::string endpoint, std::string registration_socket, ClaimPreparer* preparer,
                     RegistrationService::StatusCallback on_registration, const std::string& driver)
    : endpoint_(std::move(endpoint)),
      registration_socket_(std::move(registration_socket)),
      v1_(preparer, &counters_),
      v1beta1_(preparer, &counters_),
      registration_(driver, endpoint_, std::move(on_registration)) {}

absl::StatusOr<std::unique_ptr<DraServer>> DraServer::Start(
    const Options& options, ClaimPreparer* preparer,
    RegistrationService::StatusCallback on_registration) {
  const std::string driver_dir = absl::StrCat(options.plugins_dir, "/", options.driver);
  std::error_code error;
  std::filesystem::create_directories(driver_dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", driver_dir, ": ", error.message()));
  }
  // The kubelet makes its registry; without it no kubelet would find the driver.
  if (!std::filesystem::is_directory(options.registry_dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the kubelet's plugin registry ", options.registry_dir,
                     " is not a directory (is the kubelet's plugins_registry mounted there?)"));
  }
  std::unique_ptr<DraServer> server(
      new DraServer(driver_dir + "/dra.sock",
                    absl::StrCat(options.registry_dir, "/", options.driver, "-reg.sock"), preparer,
                    std::move(on_registration), options.driver));
  server->dra_server_ = Serve(server->endpoint_, &server->v1_, &server->v1beta1_);
  if (server->dra_server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve DRA on ", server->endpoint_));
  }
  // Registered only once the DRA socket answers: the kubelet may call it right away.
  server->registration_server_ = Serve(server->registration_socket_, &server->registration_);
  if (server->registration_server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve plugin registration on ", server->registration_socket_));
  }
  return server;
}

DraServer::~DraServer() { Shutdown(); }

void DraServer::Shutdown() {
  // The registration socket goes first, so the kubelet stops using the driver before its
  // service disappears.
  for (auto* server : {&registration_server_, &dra_server_}) {
    if (*server == nullptr) continue;
    (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    (*server)->Wait();
    server->reset();
  }
  unlink(registration_socket_.c_str());
  unlink(endpoint_.c_str());
}

}  // namespace teedp::dra
