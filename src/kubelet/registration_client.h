// Provides RegistrationClient: calls v1beta1.Registration/Register on the kubelet's socket without
// blocking the caller; the result arrives through a callback.
// Thread safety: Register and CancelAll may be called from any thread; `done` callbacks run on
// gRPC's threads. The destructor cancels outstanding calls and returns only once every `done` has
// returned, so a callback may use whatever its owner lent until the owner's destructor is done.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "common/mutex.h"
#include "deviceplugin/v1beta1/api.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace teedp::kubelet {

inline constexpr const char* kApiVersion = "v1beta1";
inline constexpr const char* kKubeletSocketName = "kubelet.sock";

// The RegisterRequest for a resource served on `socket_name` inside the plugin directory.
v1beta1::RegisterRequest MakeRegisterRequest(const std::string& resource_name,
                                             const std::string& socket_name);

class RegistrationClient {
 public:
  using Done = std::function<void(absl::Status)>;

  RegistrationClient();
  ~RegistrationClient();
  RegistrationClient(const RegistrationClient&) = delete;
  RegistrationClient& operator=(const RegistrationClient&) = delete;

  // Sends `request` to the kubelet at `kubelet_socket` with a deadline of `timeout`, then calls
  // `done` with OK or the kubelet's error (code kept; DeadlineExceeded when it did not answer,
  // Unavailable when nothing listens).
  void Register(const std::string& kubelet_socket, const v1beta1::RegisterRequest& request,
                std::chrono::milliseconds timeout, Done done);
  // Starts connecting to the kubelet at `kubelet_socket` for the next Register to it, which then
  // uses this channel: the connection's set-up (gRPC's resolver, the socket, HTTP/2's settings)
  // runs on gRPC's threads while the caller starts its own server. Replaces one not used yet.
  void Connect(const std::string& kubelet_socket);
  // Cancels calls still in flight (their callbacks get Cancelled) and drops a connecting channel.
  void CancelAll();
  // Frees the channels of calls that completed. Call it from the owner's thread after `done`
  // ran (never from inside `done`: gRPC must not tear a channel down in its own callback); an
  // idle channel keeps gRPC's pollers waking up.
  void ReleaseFinished();

  // Test seams, each may be empty. `before_done` runs on gRPC's thread just before a call's
  // `done` (a test holds it there); `destructor_waits` runs, under the client's lock, when the
  // destructor finds callbacks still running and is about to wait for them.
  struct TestHooks {
    std::function<void()> before_done;
    std::function<void()> destructor_waits;
  };
  // Call before the first Register.
  void SetTestHooks(TestHooks hooks);

 private:
  struct Call;
  // The call is over: its channel may be released from now on.
  void Finished(Call* call);
  // Counts a call out; last thing its callback does, after `done` returned.
  void CallbackReturned();

  TestHooks hooks_;
  teedp::Mutex mutex_;
  std::set<Call*> in_flight_ ABSL_GUARDED_BY(mutex_);
  // What Connect started, for the next Register to `connecting_to_`.
  std::shared_ptr<grpc::Channel> connecting_ ABSL_GUARDED_BY(mutex_);
  std::string connecting_to_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::unique_ptr<Call>> finished_ ABSL_GUARDED_BY(mutex_);
  // Register calls whose callback has not returned yet; the destructor waits for zero.
  size_t callbacks_pending_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace teedp::kubelet
