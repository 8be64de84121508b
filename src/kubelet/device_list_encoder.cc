#include "kubelet/device_list_encoder.h"

#include <cstring>

#include "resources/device_id.h"
#include "resources/device_list_size.h"

namespace teedp::kubelet {
namespace {

// Field tags of the v1beta1 messages involved (field number << 3 | 2: length-delimited).
constexpr char kDevicesTag = 0x0A;   // ListAndWatchResponse.devices = 1
constexpr char kIdTag = 0x0A;        // Device.ID = 1
constexpr char kHealthTag = 0x12;    // Device.health = 2
constexpr char kTopologyTag = 0x1A;  // Device.topology = 3
constexpr char kNodesTag = 0x0A;     // TopologyInfo.nodes = 1
constexpr char kNumaIdTag = 0x08;    // NUMANode.ID = 1, varint

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Device.topology for one NUMA node; proto3 leaves a zero NUMANode.ID out.
std::string TopologyField(int numa_node) {
  std::string numa;
  if (numa_node != 0) {
    numa.push_back(kNumaIdTag);
    AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(numa_node)), &numa);
  }
  std::string nodes(1, kNodesTag);
  AppendVarint(numa.size(), &nodes);
  nodes += numa;
  std::string topology(1, kTopologyTag);
  AppendVarint(nodes.size(), &topology);
  return topology + nodes;
}

}  // namespace

std::string EncodeDeviceListBytes(const resources::ResourcePlan& plan) {
  std::string out;
  out.reserve(resources::EncodedDeviceListBytes(plan.blocks, plan.has_topology, plan.healthy));
  const std::string health = plan.healthy ? kHealthy : kUnhealthy;
  std::string id;
  for (const resources::UnitBlock& block : plan.blocks) {
    // Everything after the ID is the same for the whole block.
    std::string tail(1, kHealthTag);
    AppendVarint(health.size(), &tail);
    tail += health;
    if (plan.has_topology) tail += TopologyField(block.numa_node);
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      id.clear();
      resources::AppendDeviceId(index, &id);
      out.push_back(kDevicesTag);
      AppendVarint(2 + id.size() + tail.size(), &out);  // IDs are far shorter than 128 bytes
      out.push_back(kIdTag);
      out.push_back(static_cast<char>(id.size()));
      out += id;
      out += tail;
    }
  }
  return out;
}

v1beta1::ListAndWatchResponse EncodeDeviceList(const resources::ResourcePlan& plan) {
  v1beta1::ListAndWatchResponse response;
  response.mutable_devices()->Reserve(static_cast<int>(plan.unit_count));
  const std::string health = plan.healthy ? kHealthy : kUnhealthy;
  for (const resources::UnitBlock& block : plan.blocks) {
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      v1beta1::Device* device = response.add_devices();
      resources::AppendDeviceId(index, device->mutable_id());
      device->set_health(health);
      if (plan.has_topology) device->mutable_topology()->add_nodes()->set_id(block.numa_node);
    }
  }
  return response;
}

}  // namespace teedp::kubelet
