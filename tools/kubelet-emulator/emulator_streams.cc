// Stream callbacks and views of KubeletEmulator::Impl.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "emulator_impl.h"

namespace teedp::emulator {

StreamCallbacks KubeletEmulator::Impl::CallbacksFor(const std::string& name, uint64_t generation) {
  return StreamCallbacks{
      .on_open = [this, name, generation] { OnOpen(name, generation); },
      .on_list = [this, name, generation](
                     const v1beta1::ListAndWatchResponse& response,
                     size_t bytes) { OnList(name, generation, response, bytes); },
      .on_options =
          [this, name, generation](const absl::StatusOr<v1beta1::DevicePluginOptions>& options) {
            OnOptions(name, generation, options);
          },
      .on_closed = [this, name,
                    generation](const absl::Status& status) { OnClosed(name, generation, status); },
  };
}

KubeletEmulator::Impl::ResourceState* KubeletEmulator::Impl::CurrentLocked(const std::string& name,
                                                                           uint64_t generation) {
  auto it = resources_.find(name);
  if (it == resources_.end() || it->second.generation != generation) return nullptr;
  return &it->second;
}

void KubeletEmulator::Impl::OnOpen(const std::string& name, uint64_t generation) {
  teedp::MutexLock lock(&mu_);
  if (ResourceState* state = CurrentLocked(name, generation)) state->view.stream_open = true;
}

void KubeletEmulator::Impl::OnList(const std::string& name, uint64_t generation,
                                   const v1beta1::ListAndWatchResponse& response, size_t bytes) {
  std::vector<DeviceView> devices = ToDeviceViews(response);
  const auto healthy = std::count_if(devices.begin(), devices.end(),
                                     [](const DeviceView& d) { return d.health == "Healthy"; });
  const std::string line =
      absl::StrCat(name, ": device list of ", devices.size(), " (", healthy, " healthy, ",
                   devices.size() - healthy, " unhealthy), ", bytes, " bytes");
  {
    teedp::MutexLock lock(&mu_);
    ResourceState* state = CurrentLocked(name, generation);
    if (state == nullptr) return;
    // Each message is the complete list and replaces the previous one.
    state->view.devices = std::move(devices);
    state->view.last_message_bytes = bytes;
    state->view.list_and_watch_updates++;
    state->view.stream_open = true;
  }
  Emit(line);
}

void KubeletEmulator::Impl::OnOptions(const std::string& name, uint64_t generation,
                                      const absl::StatusOr<v1beta1::DevicePluginOptions>& options) {
  {
    teedp::MutexLock lock(&mu_);
    ResourceState* state = CurrentLocked(name, generation);
    if (state == nullptr) return;
    if (options.ok()) state->view.reported_options = *options;
  }
  if (!options.ok()) {
    Emit(absl::StrCat(name, ": GetDevicePluginOptions failed: ", options.status().ToString()));
  }
}

void KubeletEmulator::Impl::OnClosed(const std::string& name, uint64_t generation,
                                     const absl::Status& status) {
  {
    teedp::MutexLock lock(&mu_);
    ResourceState* state = CurrentLocked(name, generation);
    if (state == nullptr) return;
    state->view.stream_open = false;
    state->view.stream_error = status.ok() ? "" : status.ToString();
  }
  Emit(status.ok() ? absl::StrCat(name, ": ListAndWatch ended by the plugin")
                   : absl::StrCat(name, ": stream error: ", status.ToString()));
}

std::optional<ResourceView> KubeletEmulator::Impl::Resource(const std::string& name) const {
  teedp::MutexLock lock(&mu_);
  auto it = resources_.find(name);
  if (it == resources_.end()) return std::nullopt;
  return it->second.view;
}

std::optional<ResourceView> KubeletEmulator::Impl::WaitFor(
    const std::string& name, const std::function<bool(const ResourceView&)>& pred,
    std::chrono::milliseconds timeout) const {
  // absl re-evaluates the condition whenever mu_ is released by a writer, so every
  // registration and stream update wakes this without polling.
  auto holds = [this, &name, &pred]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    auto it = resources_.find(name);
    return it != resources_.end() && pred(it->second.view);
  };
  teedp::MutexLock lock(&mu_);
  if (!mu_.AwaitWithTimeout(holds, absl::FromChrono(timeout))) {
    return std::nullopt;
  }
  return resources_.at(name).view;
}

absl::StatusOr<std::shared_ptr<PluginStub>> KubeletEmulator::Impl::StubFor(
    const std::string& name) const {
  teedp::MutexLock lock(&mu_);
  auto it = resources_.find(name);
  if (it == resources_.end() || it->second.connection == nullptr) {
    return absl::NotFoundError(absl::StrCat("resource ", name, " is not registered"));
  }
  return it->second.connection->stub();
}

}  // namespace teedp::emulator
