#include "kubelet/registration_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "kubelet/device_plugin_service.h"

namespace teedp::kubelet {

struct RegistrationClient::Call {
  grpc::ClientContext context;
  v1beta1::RegisterRequest request;
  v1beta1::Empty response;
  std::unique_ptr<v1beta1::Registration::Stub> stub;
};

v1beta1::RegisterRequest MakeRegisterRequest(const std::string& resource_name,
                                             const std::string& socket_name) {
  v1beta1::RegisterRequest request;
  request.set_version(kApiVersion);
  request.set_endpoint(socket_name);
  request.set_resource_name(resource_name);
  *request.mutable_options() = PluginOptions();
  return request;
}

namespace {

// A fresh channel with its own connection: gRPC otherwise shares one connection per target
// process-wide, and a failed dial while kubelet.sock was missing would make the next attempt wait
// out gRPC's reconnect backoff (about a second) after the kubelet is back.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& kubelet_socket) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel("unix://" + kubelet_socket, grpc::InsecureChannelCredentials(),
                                   arguments);
}

}  // namespace

RegistrationClient::RegistrationClient() = default;

RegistrationClient::~RegistrationClient() {
  CancelAll();
  teedp::MutexLock lock(&mutex_);
  if (callbacks_pending_ > 0 && hooks_.destructor_waits) hooks_.destructor_waits();
  auto none_left = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return callbacks_pending_ == 0; };
  mutex_.Await(none_left);
  finished_.clear();
}

void RegistrationClient::SetTestHooks(TestHooks hooks) { hooks_ = std::move(hooks); }

void RegistrationClient::Register(const std::string& kubelet_socket,
                                  const v1beta1::RegisterRequest& request,
                                  std::chrono::milliseconds timeout, Done done) {
  ReleaseFinished();
  auto* call = new Call;
  call->request = request;
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  std::shared_ptr<grpc::Channel> channel;
  bool connected_for_this = false;
  {
    teedp::MutexLock lock(&mutex_);
    channel = std::move(connecting_);
    connected_for_this = std::exchange(connecting_to_, "") == kubelet_socket;
  }
  if (!connected_for_this) channel = nullptr;  // released outside the lock
  // A fresh channel per attempt (NewChannel), unless Connect started this one for it.
  call->stub =
      v1beta1::Registration::NewStub(channel != nullptr ? channel : NewChannel(kubelet_socket));
  {
    teedp::MutexLock lock(&mutex_);
    in_flight_.insert(call);
    ++callbacks_pending_;
  }
  call->stub->async()->Register(
      &call->context, &call->request, &call->response,
      [this, call, done = std::move(done)](const grpc::Status& status) mutable {
        absl::Status result = status.ok()
                                  ? absl::OkStatus()
                                  : absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                                                 status.error_message());
        Finished(call);  // before `done`, so the owner can release the call when told
        if (hooks_.before_done) hooks_.before_done();
        // `done` and what it captured go before the call is counted out: both may use what the
        // owner lent, and the owner's destructor returns once the count is zero.
        Done run = std::move(done);
        run(std::move(result));
        run = nullptr;
        CallbackReturned();  // last: `this` may be gone once the lock is released
      });
}

void RegistrationClient::Connect(const std::string& kubelet_socket) {
  std::shared_ptr<grpc::Channel> channel = NewChannel(kubelet_socket);
  channel->GetState(/*try_to_connect=*/true);
  std::shared_ptr<grpc::Channel> replaced;  // released outside the lock
  teedp::MutexLock lock(&mutex_);
  replaced = std::exchange(connecting_, std::move(channel));
  connecting_to_ = kubelet_socket;
}

void RegistrationClient::Finished(Call* call) {
  // Not deleted here: tearing down a channel inside its own callback can deadlock in gRPC.
  teedp::MutexLock lock(&mutex_);
  in_flight_.erase(call);
  finished_.emplace_back(call);
}

void RegistrationClient::CallbackReturned() {
  teedp::MutexLock lock(&mutex_);
  --callbacks_pending_;
}

void RegistrationClient::ReleaseFinished() {
  std::vector<std::unique_ptr<Call>> finished;
  {
    teedp::MutexLock lock(&mutex_);
    finished.swap(finished_);
  }
}

void RegistrationClient::CancelAll() {
  std::shared_ptr<grpc::Channel> connecting;  // released outside the lock
  teedp::MutexLock lock(&mutex_);
  for (Call* call : in_flight_) call->context.TryCancel();
  connecting = std::move(connecting_);
  connecting_to_.clear();
}

}  // namespace teedp::kubelet
