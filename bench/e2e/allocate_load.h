// Provides MeasureAllocates: timed Allocate calls through the kubelet emulator's connection to
// the plugin, each one container request of N distinct healthy device IDs, as the kubelet sends
// them when it admits a container.
// Thread safety: stateless; the emulator passed in is thread-safe, the caller owns the result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kubelet_emulator.h"

namespace teedp::bench {

struct AllocateSeries {
  int64_t units = 0;
  std::vector<double> micros;  // one latency per successful timed call
  int calls = 0;               // every call made, warm-up and failed ones included
  int errors = 0;
  std::string first_error;
  std::string skipped;  // why nothing was measured; "" when measured
};

// Makes `warmup` untimed calls (the first calls on a connection pay for lazy set-up that the
// kubelet pays once per plugin, not per pod), then `calls` timed ones, each asking for the first
// `units` healthy IDs of `devices`. Skipped, with the reason, when there are fewer healthy IDs.
AllocateSeries MeasureAllocates(emulator::KubeletEmulator& kubelet, const std::string& resource,
                                const std::vector<emulator::DeviceView>& devices, int64_t units,
                                int calls, int warmup);

}  // namespace teedp::bench
