// Provides the translation of an EpcPlan into the ListAndWatchResponse the kubelet receives.
// Thread safety: a pure function.
#pragma once

#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/epc_plan.h"

namespace tee::kubelet {

inline constexpr const char* kHealthy = "Healthy";
inline constexpr const char* kUnhealthy = "Unhealthy";

// Every unit of the plan as one Device, in index order, with its NUMA node when the plan has
// topology and the plan's health.
v1beta1::ListAndWatchResponse EncodeDeviceList(const resources::EpcPlan& plan);

}  // namespace tee::kubelet
