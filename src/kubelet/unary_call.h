// Provides UnaryCall, one unary DevicePlugin call through the async API: it asks the server for
// the next call of its method; once one arrives it answers with the method's Handle (timed and
// counted), asks for another, and deletes itself when the answer is sent.
// Thread safety: a call's tags run on the server's completion-queue thread(s), one at a time.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "kubelet/async_call.h"

namespace teedp::kubelet {

// `Method` provides: Request, Response, kRpc (the Rpc counted), kRequest (the service's
// Request<Name> member) and
//   static grpc::Status Handle(const CallEnvironment&, const Request&, Response*).
template <typename Method>
class UnaryCall final {
 public:
  // Waits for the next call of `Method`; nothing when the server is shutting down.
  static void Listen(const CallEnvironment& environment) {
    auto* call = new UnaryCall(environment);
    bool requested = environment.gate->StartIfOpen([call] {
      (call->environment_.service->*Method::kRequest)(
          &call->context_, &call->request_, &call->responder_, call->environment_.queue,
          call->environment_.queue, &call->requested_tag_);
    });
    if (!requested) delete call;
  }

 private:
  using Request = typename Method::Request;
  using Response = typename Method::Response;
  using Clock = std::chrono::steady_clock;

  explicit UnaryCall(const CallEnvironment& environment)
      : environment_(environment),
        responder_(&context_),
        requested_tag_(this),
        finished_tag_(this) {}

  void OnRequested(bool ok) {
    if (!ok) {  // the server shut down before a call came
      delete this;
      return;
    }
    const Clock::time_point start = Clock::now();
    const grpc::Status status = Method::Handle(environment_, request_, &response_);
    environment_.counters->RecordCall(Method::kRpc, status.error_code(), Clock::now() - start);
    bool finishing = environment_.gate->StartIfOpen(
        [this, &status] { responder_.Finish(response_, status, &finished_tag_); });
    // After the answer is on its way, so it does not wait for this; gRPC holds a call that
    // arrives meanwhile until the next one is listened for.
    Listen(environment_);
    // Without the gate the call is cancelled when its context goes.
    if (!finishing) delete this;
  }

  void OnFinished(bool /*ok*/) { delete this; }

  const CallEnvironment environment_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  MemberTag<UnaryCall, &UnaryCall::OnRequested> requested_tag_;
  MemberTag<UnaryCall, &UnaryCall::OnFinished> finished_tag_;
};

}  // namespace teedp::kubelet
