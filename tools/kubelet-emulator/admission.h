// Provides the pure steps of the kubelet's device admission: which devices are free, what to ask
// for a preferred allocation, whether the answer is usable, and the Allocate request and checks.
// Thread safety: pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "kubelet_emulator.h"

namespace teedp::emulator {

inline constexpr char kHealthy[] = "Healthy";

// IDs of Healthy devices not in `held`, in the plugin's list order.
std::vector<std::string> FreeHealthyIds(const std::vector<DeviceView>& devices,
                                        const std::set<std::string>& held);

// The NUMA nodes of each of `ids` in the plugin's list, as the kubelet checkpoints them at
// allocation; IDs the list gives no node (or does not hold) are left out.
std::map<std::string, std::vector<int64_t>> NumaNodesOf(const std::vector<DeviceView>& devices,
                                                        const std::vector<std::string>& ids);

// One container asking for `count` of `available`, nothing it must include.
v1beta1::PreferredAllocationRequest MakePreferredRequest(const std::vector<std::string>& available,
                                                         int64_t count);

// The preferred IDs when the answer is usable: one container response holding exactly `count`
// distinct IDs, all from `available`. nullopt otherwise, and the kubelet then picks itself.
std::optional<std::vector<std::string>> UsablePreferredIds(
    const v1beta1::PreferredAllocationResponse& response, const std::vector<std::string>& available,
    int64_t count);

v1beta1::AllocateRequest MakeSingleContainerRequest(const std::vector<std::string>& ids);

// OK when the response holds exactly one container response (the kubelet rejects anything else).
absl::Status CheckSingleContainerResponse(const v1beta1::AllocateResponse& response);

}  // namespace teedp::emulator
