#include "kubelet/device_list_encoder.h"

#include <google/protobuf/arena.h>

#include <string>

#include "resources/device_id.h"
#include "resources/device_list_size.h"

namespace teedp::kubelet {
namespace {

// Devices per chunk of the serialized list: enough to amortise each chunk's serialization, few
// enough that the chunk's message objects stay small and are reused from one chunk to the next.
constexpr int kChunkDevices = 4096;

// Calls `emit(device)` for every unit of the plan, in index order; `device` is reused.
template <typename Emit>
void ForEachDevice(const resources::ResourcePlan& plan, Emit emit) {
  const std::string health = plan.healthy ? kHealthy : kUnhealthy;
  for (const resources::UnitBlock& block : plan.blocks) {
    for (uint32_t index = block.first; index < block.first + block.count; ++index) {
      v1beta1::Device* device = emit();
      resources::AppendDeviceId(index, device->mutable_id());
      device->set_health(health);
      if (plan.has_topology) device->mutable_topology()->add_nodes()->set_id(block.numa_node);
    }
  }
}

}  // namespace

v1beta1::ListAndWatchResponse BuildDeviceList(const resources::ResourcePlan& plan) {
  v1beta1::ListAndWatchResponse response;
  response.mutable_devices()->Reserve(static_cast<int>(plan.unit_count));
  ForEachDevice(plan, [&response] { return response.add_devices(); });
  return response;
}

grpc::Slice SerializeDeviceList(const resources::ResourcePlan& plan) {
  // Serialized messages concatenate into their merge, and a repeated field merges by appending,
  // so the list serialized a chunk at a time is byte for byte the whole list serialized, without
  // holding 180,000 Device objects (tens of MiB) at once. Each chunk lives on an arena that is
  // reset after it is written: clearing a heap message frees every Device's topology, so the
  // next chunk would allocate them all again.
  std::string bytes;
  bytes.reserve(resources::EncodedDeviceListBytes(plan.blocks, plan.has_topology, plan.healthy));
  google::protobuf::Arena arena;
  auto* chunk = google::protobuf::Arena::CreateMessage<v1beta1::ListAndWatchResponse>(&arena);
  ForEachDevice(plan, [&] {
    if (chunk->devices_size() == kChunkDevices) {
      chunk->AppendToString(&bytes);
      arena.Reset();
      chunk = google::protobuf::Arena::CreateMessage<v1beta1::ListAndWatchResponse>(&arena);
    }
    return chunk->add_devices();
  });
  chunk->AppendToString(&bytes);
  return grpc::Slice(bytes);  // one copy into the ref-counted slice the streams share
}

}  // namespace teedp::kubelet
