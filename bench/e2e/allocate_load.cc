#include "e2e/allocate_load.h"

#include "absl/strings/str_cat.h"
#include "e2e/latency.h"

namespace teedp::bench {
namespace {

// A request without container requests means there were not enough healthy devices.
v1beta1::AllocateRequest OneContainerRequest(const std::vector<emulator::DeviceView>& devices,
                                             int64_t units) {
  v1beta1::AllocateRequest request;
  auto* container = request.add_container_requests();
  for (const emulator::DeviceView& device : devices) {
    if (container->devices_ids_size() == units) break;
    if (device.health == "Healthy") container->add_devices_ids(device.id);
  }
  if (container->devices_ids_size() < units) request.clear_container_requests();
  return request;
}

}  // namespace

AllocateSeries MeasureAllocates(emulator::KubeletEmulator& kubelet, const std::string& resource,
                                const std::vector<emulator::DeviceView>& devices, int64_t units,
                                int calls, int warmup) {
  AllocateSeries series;
  series.units = units;
  const v1beta1::AllocateRequest request = OneContainerRequest(devices, units);
  if (request.container_requests_size() == 0) {
    series.skipped = absl::StrCat("fewer than ", units, " healthy devices");
    return series;
  }
  series.micros.reserve(static_cast<size_t>(calls));
  for (int i = 0; i < warmup + calls; ++i) {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<v1beta1::AllocateResponse> response = kubelet.Allocate(resource, request);
    const Clock::duration took = Clock::now() - start;
    series.calls++;
    if (!response.ok()) {
      if (series.errors++ == 0) series.first_error = response.status().ToString();
      continue;
    }
    if (i >= warmup) series.micros.push_back(ToMicros(took));
  }
  return series;
}

}  // namespace teedp::bench
