// Fuzzes the kubelet edge's request handling (HandleAllocate, HandlePreferredAllocation) with
// kubelet-shaped protobuf requests: up to 12 container requests of random ID lists (valid IDs,
// repeats, raw bytes) against a plan of up to a few thousand units. A request succeeds exactly
// when every container request is non-empty, unique and known on a healthy plan; then there is one
// response per container request, and every refusal names its container request and stays short.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "kubelet/allocation_handlers.h"
#include "resources/device_id.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

teedp::resources::ResourcePlan FuzzPlan(FuzzedDataProvider& input) {
  teedp::resources::ResourcePlan plan;
  plan.healthy = input.ConsumeIntegralInRange(0, 7) != 0;
  plan.container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  const int nodes = input.ConsumeIntegralInRange(1, 3);
  plan.has_topology = nodes > 1;
  for (int node = 0; node < nodes; ++node) {
    const uint32_t count = input.ConsumeIntegralInRange<uint32_t>(1, 1200);
    plan.blocks.push_back({plan.has_topology ? node : -1, plan.unit_count, count});
    plan.unit_count += count;
  }
  return plan;
}

std::string FuzzId(FuzzedDataProvider& input, uint32_t units) {
  switch (input.ConsumeIntegralInRange(0, 5)) {
    case 0:
      return input.ConsumeRandomLengthString(16);
    case 1:
      return std::string(input.ConsumeIntegralInRange<size_t>(0, 3000), 'z');
    default:
      return teedp::resources::DeviceId(input.ConsumeIntegralInRange<uint32_t>(0, units + 1));
  }
}

// Whether the kubelet edge must accept `ids` for one container.
bool Acceptable(const google::protobuf::RepeatedPtrField<std::string>& ids, uint32_t units) {
  std::set<uint32_t> seen;
  for (const std::string& id : ids) {
    std::optional<uint32_t> index = teedp::resources::ParseDeviceId(id);
    if (!index || *index >= units || !seen.insert(*index).second) return false;
  }
  return !ids.empty();
}

void CheckRefusal(const absl::Status& status) {
  Check(status.code() == absl::StatusCode::kInvalidArgument ||
        status.code() == absl::StatusCode::kFailedPrecondition);
  Check(status.message().size() < 400);
}

void CheckAllocate(FuzzedDataProvider& input, const teedp::resources::ResourcePlan& plan) {
  v1beta1::AllocateRequest request;
  const int containers = input.ConsumeIntegralInRange(0, 12);
  bool acceptable = containers > 0 && plan.healthy;
  for (int c = 0; c < containers; ++c) {
    auto* ids = request.add_container_requests()->mutable_devices_ids();
    const int count = input.ConsumeIntegralInRange(0, 300);
    for (int i = 0; i < count && input.remaining_bytes() > 0; ++i) {
      *ids->Add() = FuzzId(input, plan.unit_count);
    }
    acceptable = acceptable && Acceptable(*ids, plan.unit_count);
  }
  v1beta1::AllocateResponse response;
  absl::Status status = teedp::kubelet::HandleAllocate(plan, request, &response);
  Check(status.ok() == acceptable);
  if (status.ok()) {
    Check(response.container_responses_size() == containers);
  } else {
    CheckRefusal(status);
  }
}

void CheckPreferred(FuzzedDataProvider& input, const teedp::resources::ResourcePlan& plan) {
  v1beta1::PreferredAllocationRequest request;
  const int containers = input.ConsumeIntegralInRange(0, 4);
  for (int c = 0; c < containers; ++c) {
    auto* container = request.add_container_requests();
    const int available = input.ConsumeIntegralInRange(0, 400);
    for (int i = 0; i < available && input.remaining_bytes() > 0; ++i) {
      container->add_available_deviceids(FuzzId(input, plan.unit_count));
    }
    if (input.ConsumeBool() && container->available_deviceids_size() > 0) {
      container->add_must_include_deviceids(container->available_deviceids(0));
    }
    container->set_allocation_size(input.ConsumeIntegralInRange<int32_t>(-2, available + 2));
  }
  v1beta1::PreferredAllocationResponse response;
  absl::Status status = teedp::kubelet::HandlePreferredAllocation(plan, request, &response);
  if (!status.ok()) return CheckRefusal(status);
  Check(response.container_responses_size() == containers);
  for (int c = 0; c < containers; ++c) {
    Check(response.container_responses(c).deviceids_size() ==
          request.container_requests(c).allocation_size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const teedp::resources::ResourcePlan plan = FuzzPlan(input);
  if (input.ConsumeBool()) {
    CheckAllocate(input, plan);
  } else {
    CheckPreferred(input, plan);
  }
  return 0;
}
