// Provides KubeletEmulator::Impl, the state behind the public facade: the Registration server,
// one PluginConnection per registered resource, the resource views and the checkpoint.
// Thread safety: all state sits under mu_, which is never held across a gRPC call, a thread join
// or a server shutdown; lifecycle_mu_ serialises Start/Stop/Restart of the server.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "checkpoint.h"
#include "common/mutex.h"
#include "kubelet_emulator.h"
#include "plugin_connection.h"
#include "registration_server.h"

namespace teedp::emulator {

class KubeletEmulator::Impl {
 public:
  Impl(EmulatorOptions options, Checkpoint checkpoint);
  ~Impl();

  // Binds a fresh kubelet.sock. Errors as RegistrationServer::Start.
  absl::Status Serve() ABSL_LOCKS_EXCLUDED(lifecycle_mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(lifecycle_mu_);
  absl::Status Restart() ABSL_LOCKS_EXCLUDED(lifecycle_mu_);

  std::optional<ResourceView> Resource(const std::string& name) const;
  std::optional<ResourceView> WaitFor(const std::string& name,
                                      const std::function<bool(const ResourceView&)>& pred,
                                      std::chrono::milliseconds timeout) const;

  // NotFound when no plugin is connected for the resource.
  absl::StatusOr<std::shared_ptr<PluginStub>> StubFor(const std::string& name) const;
  absl::StatusOr<AdmittedContainer> AdmitContainer(const std::string& name, const std::string& pod,
                                                   const std::string& container, int64_t count);
  void RemovePod(const std::string& pod);
  std::vector<std::string> CheckpointedIds(const std::string& name) const;

  const EmulatorOptions& options() const { return options_; }
  std::string socket_path() const;

 private:
  struct ResourceState {
    ResourceView view;
    // Which connection may update the view; stale callbacks from a replaced or dropped
    // connection carry an older number and are ignored.
    uint64_t generation = 0;
    std::unique_ptr<PluginConnection> connection;
  };

  absl::Status HandleRegister(const v1beta1::RegisterRequest& request) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Connect(const v1beta1::RegisterRequest& request) ABSL_LOCKS_EXCLUDED(mu_);
  void StopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  absl::Status ServeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  void WipeDirectory() const;

  StreamCallbacks CallbacksFor(const std::string& name, uint64_t generation);
  void OnOpen(const std::string& name, uint64_t generation) ABSL_LOCKS_EXCLUDED(mu_);
  void OnList(const std::string& name, uint64_t generation,
              const v1beta1::ListAndWatchResponse& response, size_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  void OnOptions(const std::string& name, uint64_t generation,
                 const absl::StatusOr<v1beta1::DevicePluginOptions>& options)
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnClosed(const std::string& name, uint64_t generation, const absl::Status& status)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The state of `name` when `generation` is still current, else nullptr.
  ResourceState* CurrentLocked(const std::string& name, uint64_t generation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Picks the IDs for one container (preferred allocation when offered and valid).
  absl::StatusOr<std::vector<std::string>> ChooseDevices(const std::string& name, int64_t count,
                                                         bool& preferred_used)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(admission_mu_);
  void Emit(const std::string& line) const;

  const EmulatorOptions options_;
  const std::string checkpoint_path_;
  std::atomic<uint64_t> next_generation_{1};

  teedp::Mutex lifecycle_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::unique_ptr<RegistrationServer> server_ ABSL_GUARDED_BY(lifecycle_mu_);

  // The kubelet admits one pod at a time; this keeps two admissions from picking the same free
  // devices. Held across gRPC calls, unlike mu_.
  teedp::Mutex admission_mu_ ABSL_ACQUIRED_BEFORE(mu_);

  mutable teedp::Mutex mu_;
  std::map<std::string, ResourceState> resources_ ABSL_GUARDED_BY(mu_);
  Checkpoint checkpoint_ ABSL_GUARDED_BY(mu_);
};

}  // namespace teedp::emulator
