// Provides the translation of a ResourcePlan into the ListAndWatchResponse the kubelet receives:
// the message built by protobuf (for tests and tools), and the serialized list written once per
// published snapshot into one gRPC slice that every stream shares, in protobuf's wire format
// without building the messages (tested byte for byte against protobuf's serialization). The
// size is exactly what resources::EncodedDeviceListBytes promised (tested against protobuf's
// ByteSizeLong), so the kubelet's limit holds.
// Thread safety: pure functions.
#pragma once

#include <grpcpp/support/slice.h>

#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/resource_plan.h"

namespace teedp::kubelet {

inline constexpr const char* kHealthy = "Healthy";
inline constexpr const char* kUnhealthy = "Unhealthy";

// Every unit of the plan as one Device, in index order, with its NUMA node when the plan has
// topology and the plan's health.
v1beta1::ListAndWatchResponse BuildDeviceList(const resources::ResourcePlan& plan);

// BuildDeviceList(plan) serialized, byte for byte, written directly.
grpc::Slice SerializeDeviceList(const resources::ResourcePlan& plan);

}  // namespace teedp::kubelet
