// Provides the request-to-answer translation behind Allocate and GetPreferredAllocation, apart
// from gRPC's reactor plumbing so it can be tested and benchmarked directly.
// Thread safety: pure functions over an immutable plan.
#pragma once

#include "absl/status/status.h"
#include "deviceplugin/v1beta1/api.pb.h"
#include "resources/resource_plan.h"

namespace teedp::kubelet {

// Fills one container response per container request. InvalidArgument naming the container
// request and the bad ID when an ID is unknown or repeated, or a request is empty.
absl::Status HandleAllocate(const resources::ResourcePlan& plan,
                            const v1beta1::AllocateRequest& request,
                            v1beta1::AllocateResponse* response);

// One preferred ID list per container request, as resources::PreferUnits decides.
absl::Status HandlePreferredAllocation(const resources::ResourcePlan& plan,
                                       const v1beta1::PreferredAllocationRequest& request,
                                       v1beta1::PreferredAllocationResponse* response);

}  // namespace teedp::kubelet
