// Provides the translation of an ResourcePlan into the ListAndWatchResponse the kubelet receives,
// as serialized bytes written directly: at 180,000 devices a protobuf message object costs tens of
// MiB and most of start-up, the bytes about 4 MiB. The size is exactly what
// resources::EncodedDeviceListBytes promised, so the kubelet's limit holds.
// Thread safety: pure functions.
#pragma once

#include <string>

#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/resource_plan.h"

namespace teedp::kubelet {

inline constexpr const char* kHealthy = "Healthy";
inline constexpr const char* kUnhealthy = "Unhealthy";

// Every unit of the plan as one Device, in index order, with its NUMA node when the plan has
// topology and the plan's health, serialized as a v1beta1.ListAndWatchResponse.
std::string EncodeDeviceListBytes(const resources::ResourcePlan& plan);

// The same list built as a message object through protobuf's own API: the reference the byte
// encoder is tested against, and a readable form for tools.
v1beta1::ListAndWatchResponse EncodeDeviceList(const resources::ResourcePlan& plan);

}  // namespace teedp::kubelet
