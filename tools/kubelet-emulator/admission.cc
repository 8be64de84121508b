#include "admission.h"

#include "absl/strings/str_cat.h"

namespace teedp::emulator {

std::vector<std::string> FreeHealthyIds(const std::vector<DeviceView>& devices,
                                        const std::set<std::string>& held) {
  std::vector<std::string> ids;
  for (const DeviceView& device : devices) {
    if (device.health == kHealthy && !held.contains(device.id)) ids.push_back(device.id);
  }
  return ids;
}

std::map<std::string, std::vector<int64_t>> NumaNodesOf(const std::vector<DeviceView>& devices,
                                                        const std::vector<std::string>& ids) {
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::map<std::string, std::vector<int64_t>> nodes;
  for (const DeviceView& device : devices) {
    if (!device.numa_nodes.empty() && wanted.contains(device.id)) {
      nodes[device.id] = device.numa_nodes;
    }
  }
  return nodes;
}

v1beta1::PreferredAllocationRequest MakePreferredRequest(const std::vector<std::string>& available,
                                                         int64_t count) {
  v1beta1::PreferredAllocationRequest request;
  v1beta1::ContainerPreferredAllocationRequest* container = request.add_container_requests();
  container->mutable_available_deviceids()->Assign(available.begin(), available.end());
  container->set_allocation_size(static_cast<int32_t>(count));
  return request;
}

std::optional<std::vector<std::string>> UsablePreferredIds(
    const v1beta1::PreferredAllocationResponse& response, const std::vector<std::string>& available,
    int64_t count) {
  if (response.container_responses_size() != 1) return std::nullopt;
  const auto& preferred = response.container_responses(0).deviceids();
  if (preferred.size() != count) return std::nullopt;
  const std::set<std::string> allowed(available.begin(), available.end());
  std::set<std::string> seen;
  for (const std::string& id : preferred) {
    if (!allowed.contains(id) || !seen.insert(id).second) return std::nullopt;
  }
  return std::vector<std::string>(preferred.begin(), preferred.end());
}

v1beta1::AllocateRequest MakeSingleContainerRequest(const std::vector<std::string>& ids) {
  v1beta1::AllocateRequest request;
  request.add_container_requests()->mutable_devices_ids()->Assign(ids.begin(), ids.end());
  return request;
}

absl::Status CheckSingleContainerResponse(const v1beta1::AllocateResponse& response) {
  if (response.container_responses_size() == 1) return absl::OkStatus();
  return absl::UnknownError(absl::StrCat("no containers return in allocation response (got ",
                                         response.container_responses_size(),
                                         " container responses for 1 request)"));
}

}  // namespace teedp::emulator
