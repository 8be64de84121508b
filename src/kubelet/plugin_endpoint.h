// Provides PluginEndpoint: one resource's presence at the kubelet. It serves the resource's socket
// in the plugin directory, registers with kubelet.sock, and when the kubelet restarts (it wipes
// the directory and creates a new kubelet.sock) or someone deletes our socket, it re-serves and
// re-registers at once. Failed registrations are retried with backoff; a missing kubelet is waited
// for through inotify, not by polling.
// Thread safety: all methods run on the EventLoop's thread; counters may be read from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/event_loop.h"
#include "common/log_on_change.h"
#include "kubelet/device_plugin_service.h"
#include "kubelet/plugin_dir_watcher.h"
#include "kubelet/plugin_server.h"
#include "kubelet/registration_client.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {

// "example.com/sgx_epc_mem_in_MiB" -> "sgx_epc_mem_in_MiB.sock" (resources::NamePart).
std::string SocketNameFor(std::string_view resource_name);

class PluginEndpoint {
 public:
  struct Options {
    std::string plugin_dir;
    std::string resource_name;
    std::chrono::milliseconds register_timeout{5000};
    // Called on the loop's thread after each accepted registration (every kubelet restart ends
    // in one), for state the kubelet may have reset; may be empty.
    std::function<void()> on_registered;
  };

  // `loop` and `store` must outlive the endpoint.
  PluginEndpoint(EventLoop* loop, SnapshotStore* store, Options options);
  ~PluginEndpoint();

  // Creates the plugin directory when missing, watches it, serves the socket and registers when
  // kubelet.sock is there. A socket that cannot be bound yet (directory read-only for now) is
  // retried with backoff in the background. FailedPrecondition when another process serves our
  // socket; other errors name the directory or socket.
  absl::Status Start();
  // Stops serving, cancelling streams after `grace`, and removes our socket. Returns false when a
  // server had not finished shutting down within `grace` plus half a second (a kubelet connection
  // that stopped reading); its thread is then left behind and the caller should exit without
  // running destructors. Idempotent.
  bool Shutdown(std::chrono::milliseconds grace);

  // Test seam: hooks of the endpoint's RegistrationClient. Call before Start.
  void SetRegistrationTestHooks(RegistrationClient::TestHooks hooks) {
    registration_.SetTestHooks(std::move(hooks));
  }

  bool registered() const { return registered_.load(); }
  uint64_t registrations() const { return registrations_.load(); }
  uint64_t kubelet_restarts_seen() const { return kubelet_restarts_.load(); }
  // Register calls that failed (refused, hung up, or past register_timeout), every one counted
  // though only a change of state is logged.
  uint64_t registration_failures() const { return registration_failures_.load(); }
  const ServiceCounters& counters() const { return counters_; }

 private:
  absl::Status WatchDirectory();
  absl::Status Serve();
  void OnDirectoryEvents();
  void OnDirectoryGone();
  void Register();
  void OnRegistered(uint64_t attempt, const absl::Status& status);
  void ScheduleRetry();
  // Logs a failed `what` ("serve" or "register") once per change of state, not per attempt.
  void NoteFailure(const std::string& what, const absl::Status& status);
  void CancelRetry();
  void RetireServer(std::chrono::milliseconds grace);
  void JoinRetiredServers();
  std::string KubeletSocket() const;

  EventLoop* loop_;
  Options options_;
  std::string socket_name_;
  SnapshotStore* store_;
  ServiceCounters counters_;
  std::unique_ptr<PluginServer> server_;
  // Servers being shut down off the loop: a kubelet connection that stopped reading can hold a
  // server's shutdown for seconds, and the loop must keep reacting meanwhile.
  struct Retiring {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Retiring> retiring_;
  std::unique_ptr<PluginDirWatcher> watcher_;
  RegistrationClient registration_;
  uint64_t attempt_ = 0;  // results of older attempts are ignored
  std::chrono::milliseconds backoff_{0};
  EventLoop::TimerId retry_timer_ = 0;
  // Failures to serve and to register, each logged when its status code changes.
  LogOnChange serve_failures_;
  LogOnChange register_failures_;
  std::chrono::steady_clock::time_point attempt_started_;
  bool shut_down_ = false;
  std::atomic<bool> registered_{false};
  std::atomic<uint64_t> registrations_{0};
  std::atomic<uint64_t> kubelet_restarts_{0};
  std::atomic<uint64_t> registration_failures_{0};
};

}  // namespace teedp::kubelet
