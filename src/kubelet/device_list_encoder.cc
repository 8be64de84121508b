#include "kubelet/device_list_encoder.h"

#include "resources/device_id.h"

namespace tee::kubelet {

v1beta1::ListAndWatchResponse EncodeDeviceList(const resources::EpcPlan& plan) {
  v1beta1::ListAndWatchResponse response;
  response.mutable_devices()->Reserve(static_cast<int>(plan.unit_count));
  const std::string health = plan.healthy ? kHealthy : kUnhealthy;
  for (const resources::UnitBlock& block : plan.blocks) {
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      v1beta1::Device* device = response.add_devices();
      resources::AppendEpcDeviceId(index, device->mutable_id());
      device->set_health(health);
      if (plan.has_topology) device->mutable_topology()->add_nodes()->set_id(block.numa_node);
    }
  }
  return response;
}

}  // namespace tee::kubelet
