#include "registration_server.h"

#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "plugin_calls.h"
#include "registration_rules.h"

namespace teedp::emulator {
namespace {

// Handlers return quickly (the dial happens elsewhere), so a short grace is plenty.
constexpr std::chrono::milliseconds kShutdownGrace{1000};

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

class RegistrationServer::Service final : public v1beta1::Registration::Service {
 public:
  explicit Service(RegisterHandler handler) : handler_(std::move(handler)) {}

  grpc::Status Register(grpc::ServerContext* /*context*/, const v1beta1::RegisterRequest* request,
                        v1beta1::Empty* /*response*/) override {
    return ToGrpcStatus(handler_(*request));
  }

 private:
  const RegisterHandler handler_;
};

absl::StatusOr<std::unique_ptr<RegistrationServer>> RegistrationServer::Start(
    const std::string& socket_path, RegisterHandler handler) {
  absl::StatusOr<std::string> address = UnixSocketAddress(socket_path);
  if (!address.ok()) return address.status();
  // gRPC unlinks a leftover socket file itself, but not a regular file in the way.
  ::unlink(socket_path.c_str());
  auto service = std::make_unique<Service>(std::move(handler));
  std::unique_ptr<RegistrationServer> server(
      new RegistrationServer(socket_path, std::move(service)));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(*address, grpc::InsecureServerCredentials());
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve the kubelet socket ", socket_path));
  }
  return server;
}

RegistrationServer::RegistrationServer(std::string socket_path, std::unique_ptr<Service> service)
    : socket_path_(std::move(socket_path)), service_(std::move(service)) {}

RegistrationServer::~RegistrationServer() { Shutdown(); }

void RegistrationServer::Shutdown() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server_->Wait();
  server_.reset();
  ::unlink(socket_path_.c_str());
}

}  // namespace teedp::emulator
