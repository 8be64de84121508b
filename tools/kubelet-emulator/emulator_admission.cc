// Container admission and the checkpoint of KubeletEmulator::Impl.
#include "absl/strings/str_cat.h"
#include "admission.h"
#include "emulator_impl.h"

namespace teedp::emulator {

absl::StatusOr<std::vector<std::string>> KubeletEmulator::Impl::ChooseDevices(
    const std::string& name, int64_t count, bool& preferred_used) {
  std::vector<std::string> free_ids;
  bool offers_preferred = false;
  {
    teedp::MutexLock lock(&mu_);
    auto it = resources_.find(name);
    if (it == resources_.end() || it->second.connection == nullptr) {
      return absl::NotFoundError(absl::StrCat("resource ", name, " is not registered"));
    }
    free_ids = FreeHealthyIds(it->second.view.devices, checkpoint_.IdSetFor(name));
    offers_preferred = it->second.view.options.get_preferred_allocation_available();
  }
  if (static_cast<int64_t>(free_ids.size()) < count) {
    return absl::ResourceExhaustedError(absl::StrCat("requested ", count, " of ", name, ", only ",
                                                     free_ids.size(), " free and healthy"));
  }
  preferred_used = false;
  if (offers_preferred) {
    absl::StatusOr<std::shared_ptr<PluginStub>> stub = StubFor(name);
    if (!stub.ok()) return stub.status();
    absl::StatusOr<v1beta1::PreferredAllocationResponse> preferred = CallGetPreferredAllocation(
        **stub, MakePreferredRequest(free_ids, count), options_.rpc_timeout);
    // A failing call fails admission, as in the kubelet; an unusable answer is only ignored.
    if (!preferred.ok()) return preferred.status();
    if (auto ids = UsablePreferredIds(*preferred, free_ids, count)) {
      preferred_used = true;
      return *std::move(ids);
    }
  }
  free_ids.resize(count);
  return free_ids;
}

absl::StatusOr<AdmittedContainer> KubeletEmulator::Impl::AdmitContainer(
    const std::string& name, const std::string& pod, const std::string& container, int64_t count) {
  if (count <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("count must be positive, got ", count));
  }
  teedp::MutexLock admission(&admission_mu_);
  {
    teedp::MutexLock lock(&mu_);
    if (checkpoint_.Find(pod, container, name) != nullptr) {
      return absl::AlreadyExistsError(
          absl::StrCat(pod, "/", container, " already holds devices of ", name));
    }
  }
  AdmittedContainer admitted;
  absl::StatusOr<std::vector<std::string>> ids =
      ChooseDevices(name, count, admitted.preferred_used);
  if (!ids.ok()) return ids.status();
  admitted.device_ids = *std::move(ids);
  absl::StatusOr<std::shared_ptr<PluginStub>> stub = StubFor(name);
  if (!stub.ok()) return stub.status();
  absl::StatusOr<v1beta1::AllocateResponse> response =
      CallAllocate(**stub, MakeSingleContainerRequest(admitted.device_ids), options_.rpc_timeout);
  if (!response.ok()) return response.status();
  if (absl::Status status = CheckSingleContainerResponse(*response); !status.ok()) return status;
  admitted.response = response->container_responses(0);
  teedp::MutexLock lock(&mu_);
  CheckpointEntry entry{
      .pod = pod, .container = container, .resource_name = name, .device_ids = admitted.device_ids};
  // The NUMA nodes the plugin lists now, as the kubelet records them with the allocation.
  if (auto it = resources_.find(name); it != resources_.end()) {
    entry.numa_nodes = NumaNodesOf(it->second.view.devices, entry.device_ids);
  }
  checkpoint_.Record(std::move(entry));
  if (absl::Status status = checkpoint_.Save(checkpoint_path_); !status.ok()) return status;
  return admitted;
}

void KubeletEmulator::Impl::RemovePod(const std::string& pod) {
  teedp::MutexLock lock(&mu_);
  checkpoint_.RemovePod(pod);
  // The in-memory record stays authoritative; a failed write shows on the next Save.
  checkpoint_.Save(checkpoint_path_).IgnoreError();
}

std::vector<std::string> KubeletEmulator::Impl::CheckpointedIds(const std::string& name) const {
  teedp::MutexLock lock(&mu_);
  return checkpoint_.IdsFor(name);
}

}  // namespace teedp::emulator
