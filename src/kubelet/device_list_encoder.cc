#include "kubelet/device_list_encoder.h"

#include <string>

#include "resources/device_id.h"
#include "resources/device_list_size.h"

namespace teedp::kubelet {
namespace {

// Protobuf's wire format (protobuf.dev/programming-guides/encoding): a length-delimited field is
// its tag (field number << 3 | 2), the payload's length as a varint, then the payload.
constexpr char kField1Bytes = (1 << 3) | 2;  // ListAndWatchResponse.devices, Device.ID,
                                             // TopologyInfo.nodes
constexpr char kField2Bytes = (2 << 3) | 2;  // Device.health
constexpr char kField3Bytes = (3 << 3) | 2;  // Device.topology
constexpr char kField1Varint = 1 << 3;       // NUMANode.ID

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

size_t VarintSize(uint64_t value) {
  size_t bytes = 1;
  for (; value >= 0x80; value >>= 7) ++bytes;
  return bytes;
}

void AppendLengthDelimited(char tag, const std::string& payload, std::string* out) {
  out->push_back(tag);
  AppendVarint(payload.size(), out);
  out->append(payload);
}

// What follows the ID in each Device of a block: its health and, with topology, its NUMA node
// (proto3 leaves a zero NUMANode.ID out, the node itself stays).
std::string DeviceSuffix(const resources::ResourcePlan& plan, const resources::UnitBlock& block) {
  std::string suffix;
  AppendLengthDelimited(kField2Bytes, plan.healthy ? kHealthy : kUnhealthy, &suffix);
  if (plan.has_topology) {
    std::string node;
    if (block.numa_node != 0) {
      node.push_back(kField1Varint);
      AppendVarint(static_cast<uint64_t>(int64_t{block.numa_node}), &node);
    }
    std::string topology;
    AppendLengthDelimited(kField1Bytes, node, &topology);
    AppendLengthDelimited(kField3Bytes, topology, &suffix);
  }
  return suffix;
}

// One ListAndWatchResponse.devices entry.
void AppendDevice(const std::string& id, const std::string& suffix, std::string* out) {
  out->push_back(kField1Bytes);
  AppendVarint(1 + VarintSize(id.size()) + id.size() + suffix.size(), out);  // 1: the ID's tag
  AppendLengthDelimited(kField1Bytes, id, out);
  out->append(suffix);
}

}  // namespace

v1beta1::ListAndWatchResponse BuildDeviceList(const resources::ResourcePlan& plan) {
  v1beta1::ListAndWatchResponse response;
  response.mutable_devices()->Reserve(static_cast<int>(plan.unit_count));
  for (const resources::UnitBlock& block : plan.blocks) {
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      v1beta1::Device* device = response.add_devices();
      resources::AppendDeviceId(index, device->mutable_id());
      device->set_health(plan.healthy ? kHealthy : kUnhealthy);
      if (plan.has_topology) device->mutable_topology()->add_nodes()->set_id(block.numa_node);
    }
  }
  return response;
}

grpc::Slice SerializeDeviceList(const resources::ResourcePlan& plan) {
  // Written in protobuf's wire format directly, with each block's fixed part encoded once:
  // building the messages first took most of the 3 ms from plan to served at 8,192 units. The
  // bytes are protobuf's serialization of BuildDeviceList(plan) (tested), and as many as the plan
  // promised the kubelet.
  std::string bytes;
  bytes.reserve(resources::EncodedDeviceListBytes(plan.blocks, plan.has_topology, plan.healthy));
  std::string id;
  for (const resources::UnitBlock& block : plan.blocks) {
    const std::string suffix = DeviceSuffix(plan, block);
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      id.clear();
      resources::AppendDeviceId(index, &id);
      AppendDevice(id, suffix, &bytes);
    }
  }
  return grpc::Slice(bytes);  // one copy into the ref-counted slice the streams share
}

}  // namespace teedp::kubelet
