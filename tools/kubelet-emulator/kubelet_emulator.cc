// The public facade of the kubelet emulator; the work happens in KubeletEmulator::Impl.
#include "kubelet_emulator.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "admission.h"
#include "emulator_impl.h"
#include "registration_rules.h"

namespace teedp::emulator {
namespace {

// Paths are joined with '/', so a trailing one would only lengthen socket paths.
std::string WithoutTrailingSlash(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// gRPC shuts its whole library down when its last object is destroyed, and that shutdown joins
// executor threads that may sit in a poll for up to about ten seconds. One reference held for
// the life of the process keeps the emulator's destruction prompt whoever goes last.
void KeepGrpcInitialized() {
  static const bool initialized = [] {
    grpc_init();
    return true;
  }();
  (void)initialized;
}

}  // namespace

int ResourceView::HealthyCount() const {
  return static_cast<int>(std::count_if(devices.begin(), devices.end(),
                                        [](const DeviceView& d) { return d.health == kHealthy; }));
}

absl::StatusOr<std::unique_ptr<KubeletEmulator>> KubeletEmulator::Start(EmulatorOptions options) {
  KeepGrpcInitialized();
  options.plugin_dir = WithoutTrailingSlash(std::move(options.plugin_dir));
  std::error_code error;
  if (!std::filesystem::is_directory(options.plugin_dir, error)) {
    return absl::NotFoundError(
        absl::StrCat("plugin directory ", options.plugin_dir, " does not exist"));
  }
  absl::StatusOr<Checkpoint> checkpoint =
      Checkpoint::Load(absl::StrCat(options.plugin_dir, "/", kCheckpointName));
  if (!checkpoint.ok()) return checkpoint.status();
  auto impl = std::make_unique<Impl>(std::move(options), *std::move(checkpoint));
  if (absl::Status status = impl->Serve(); !status.ok()) return status;
  return std::unique_ptr<KubeletEmulator>(new KubeletEmulator(std::move(impl)));
}

KubeletEmulator::KubeletEmulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KubeletEmulator::~KubeletEmulator() = default;

absl::Status KubeletEmulator::Restart() { return impl_->Restart(); }
void KubeletEmulator::Stop() { impl_->Stop(); }

std::optional<ResourceView> KubeletEmulator::Resource(const std::string& resource_name) const {
  return impl_->Resource(resource_name);
}

std::optional<ResourceView> KubeletEmulator::WaitFor(
    const std::string& resource_name, const std::function<bool(const ResourceView&)>& pred,
    std::chrono::milliseconds timeout) const {
  return impl_->WaitFor(resource_name, pred, timeout);
}

absl::StatusOr<v1beta1::DevicePluginOptions> KubeletEmulator::GetDevicePluginOptions(
    const std::string& resource_name) {
  absl::StatusOr<std::shared_ptr<PluginStub>> stub = impl_->StubFor(resource_name);
  if (!stub.ok()) return stub.status();
  return CallGetDevicePluginOptions(**stub, impl_->options().rpc_timeout);
}

absl::StatusOr<v1beta1::AllocateResponse> KubeletEmulator::Allocate(
    const std::string& resource_name, const v1beta1::AllocateRequest& request) {
  absl::StatusOr<std::shared_ptr<PluginStub>> stub = impl_->StubFor(resource_name);
  if (!stub.ok()) return stub.status();
  return CallAllocate(**stub, request, impl_->options().rpc_timeout);
}

absl::StatusOr<v1beta1::PreferredAllocationResponse> KubeletEmulator::GetPreferredAllocation(
    const std::string& resource_name, const v1beta1::PreferredAllocationRequest& request) {
  absl::StatusOr<std::shared_ptr<PluginStub>> stub = impl_->StubFor(resource_name);
  if (!stub.ok()) return stub.status();
  return CallGetPreferredAllocation(**stub, request, impl_->options().rpc_timeout);
}

absl::StatusOr<AdmittedContainer> KubeletEmulator::AdmitContainer(const std::string& resource_name,
                                                                  const std::string& pod,
                                                                  const std::string& container,
                                                                  int64_t count) {
  return impl_->AdmitContainer(resource_name, pod, container, count);
}

void KubeletEmulator::RemovePod(const std::string& pod) { impl_->RemovePod(pod); }

std::vector<std::string> KubeletEmulator::CheckpointedIds(const std::string& resource_name) const {
  return impl_->CheckpointedIds(resource_name);
}

const std::string& KubeletEmulator::plugin_dir() const { return impl_->options().plugin_dir; }
std::string KubeletEmulator::socket_path() const { return impl_->socket_path(); }

}  // namespace teedp::emulator
