#include "app/demo_dra_api.h"

#include "absl/strings/str_format.h"
#include "kubeapi/quantity.h"

namespace teedp::app {
namespace {

constexpr char kNamespace[] = "default";

// A UID-shaped text from a counter: the demo's claims and shares need distinct, valid ones.
std::string DemoUid(int n, int kind) {
  return absl::StrFormat("%08x-0000-4000-8000-%012x", kind, n);
}

uint64_t RoundUp(uint64_t bytes, const resources::DraCapacity& capacity) {
  const uint64_t step = capacity.step == 0 ? 1 : capacity.step;
  return std::max((bytes + step - 1) / step * step, capacity.min);
}

}  // namespace

DraApi DemoDraApi::Api() {
  return {
      .node_name = node_name_,
      .read_claim = [this](const resources::ClaimRef& ref) -> absl::StatusOr<dra::ResourceClaim> {
        MutexLock lock(&mutex_);
        auto found = claims_.find(ref.name);
        if (found == claims_.end() || ref.namespace_name != kNamespace) {
          return absl::NotFoundError("resourceclaims \"" + ref.name + "\" not found");
        }
        return found->second;
      },
      .slices =
          [this](const resources::DraDriverDevices& driver) {
            MutexLock lock(&mutex_);
            slices_[driver.driver] = driver;
            return absl::OkStatus();
          },
      .owner = nullptr};
}

resources::DraDriverDevices DemoDraApi::Published(const std::string& driver) const {
  MutexLock lock(&mutex_);
  auto found = slices_.find(driver);
  return found == slices_.end() ? resources::DraDriverDevices{.driver = driver, .devices = {}}
                                : found->second;
}

std::optional<dra::ResourceClaim> DemoDraApi::AllocateEpc(const std::string& name, uint64_t bytes) {
  MutexLock lock(&mutex_);
  const std::string driver(resources::kSgxDraDriver);
  const std::string capacity_name(resources::kEpcCapacity);
  for (const resources::DraDevice& device : slices_[driver].devices) {
    auto capacity = device.capacity.find(capacity_name);
    if (capacity == device.capacity.end()) continue;
    uint64_t used = 0;
    for (const auto& [claim_name, claim] : claims_) {
      for (const resources::AllocationResult& result : claim.results) {
        if (result.device != device.name) continue;
        used += kubeapi::QuantityToInteger(result.consumed_capacity.at(capacity_name)).value_or(0);
      }
    }
    const uint64_t wanted = RoundUp(bytes, capacity->second);
    if (used + wanted > capacity->second.value) continue;
    const int n = next_uid_++;
    dra::ResourceClaim claim{
        .namespace_name = kNamespace,
        .name = name,
        .uid = DemoUid(n, 1),
        .allocated = true,
        .results = {{.request = "epc",
                     .driver = driver,
                     .pool = node_name_,
                     .device = device.name,
                     .share_id = DemoUid(n, 2),
                     .consumed_capacity = {{capacity_name, kubeapi::BytesToQuantity(wanted)}}}}};
    claims_[name] = claim;
    return claim;
  }
  return std::nullopt;
}

void DemoDraApi::Delete(const std::string& name) {
  MutexLock lock(&mutex_);
  claims_.erase(name);
}

}  // namespace teedp::app
