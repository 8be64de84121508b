// Lifecycle and registration of KubeletEmulator::Impl; stream callbacks and views live in
// emulator_streams.cc, admission in emulator_admission.cc.
#include "emulator_impl.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "registration_rules.h"

namespace teedp::emulator {

KubeletEmulator::Impl::Impl(EmulatorOptions options, Checkpoint checkpoint)
    : options_(std::move(options)),
      checkpoint_path_(absl::StrCat(options_.plugin_dir, "/", kCheckpointName)),
      checkpoint_(std::move(checkpoint)) {}

KubeletEmulator::Impl::~Impl() { Stop(); }

std::string KubeletEmulator::Impl::socket_path() const {
  return absl::StrCat(options_.plugin_dir, "/", kKubeletSocketName);
}

absl::Status KubeletEmulator::Impl::Serve() {
  teedp::MutexLock lock(&lifecycle_mu_);
  return ServeLocked();
}

void KubeletEmulator::Impl::Stop() {
  teedp::MutexLock lock(&lifecycle_mu_);
  StopLocked();
}

absl::Status KubeletEmulator::Impl::Restart() {
  teedp::MutexLock lock(&lifecycle_mu_);
  StopLocked();
  WipeDirectory();
  return ServeLocked();
}

absl::Status KubeletEmulator::Impl::ServeLocked() {
  if (server_ != nullptr) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<RegistrationServer>> server = RegistrationServer::Start(
      socket_path(),
      [this](const v1beta1::RegisterRequest& request) { return HandleRegister(request); });
  if (!server.ok()) return server.status();
  server_ = std::move(server).value();
  return absl::OkStatus();
}

void KubeletEmulator::Impl::StopLocked() {
  // The server first: once it has shut down no handler can add a connection behind our back.
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
  std::vector<std::unique_ptr<PluginConnection>> dropped;
  {
    teedp::MutexLock lock(&mu_);
    for (auto& [name, state] : resources_) {
      if (state.connection != nullptr) dropped.push_back(std::move(state.connection));
      state.generation = 0;
      state.view.stream_open = false;
    }
  }
  // Joining the stream threads happens without mu_, which their callbacks take.
  dropped.clear();
}

// Like the kubelet on start: everything goes except the checkpoint (and directories, which the
// kubelet leaves alone too).
void KubeletEmulator::Impl::WipeDirectory() const {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(options_.plugin_dir, error)) {
    if (entry.path().filename() == kCheckpointName) continue;
    if (entry.is_directory(error)) continue;
    std::filesystem::remove(entry.path(), error);
  }
}

absl::Status KubeletEmulator::Impl::HandleRegister(const v1beta1::RegisterRequest& request) {
  absl::Status status = ValidateRegisterRequest(request);
  if (status.ok()) status = Connect(request);
  if (status.ok()) {
    Emit(absl::StrCat("registration accepted: ", request.resource_name(), " at endpoint ",
                      request.endpoint()));
  } else {
    Emit(absl::StrCat("registration rejected: ", request.resource_name(), " at endpoint ",
                      request.endpoint(), ": ", status.message()));
  }
  return status;
}

absl::Status KubeletEmulator::Impl::Connect(const v1beta1::RegisterRequest& request) {
  const std::string& name = request.resource_name();
  const uint64_t generation = next_generation_++;
  absl::StatusOr<std::unique_ptr<PluginConnection>> connection = PluginConnection::Create(
      absl::StrCat(options_.plugin_dir, "/", request.endpoint()), options_.max_receive_bytes,
      options_.rpc_timeout, CallbacksFor(name, generation));
  if (!connection.ok()) return connection.status();
  std::unique_ptr<PluginConnection> replaced;
  {
    teedp::MutexLock lock(&mu_);
    ResourceState& state = resources_[name];
    ResourceView& view = state.view;
    view.resource_name = name;
    view.endpoint = request.endpoint();
    view.options = request.options();
    view.registrations++;
    view.list_and_watch_updates = 0;
    view.stream_open = false;
    view.stream_error.clear();
    view.reported_options.reset();
    replaced = std::move(state.connection);
    state.generation = generation;
    state.connection = std::move(connection).value();
    // Started under the lock so a concurrent Register cannot stop it before it starts; the
    // thread's callbacks simply wait for the lock.
    state.connection->Start();
  }
  // The old stream is cancelled and its thread joined outside mu_.
  replaced.reset();
  return absl::OkStatus();
}

void KubeletEmulator::Impl::Emit(const std::string& line) const {
  if (options_.on_event) options_.on_event(line);
}

}  // namespace teedp::emulator
