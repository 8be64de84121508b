// Provides the DRA daemon's Prometheus families: per driver whether the kubelet registered it,
// its published devices, each EPC device's capacity in bytes, the claims prepared on this node
// now, and the ResourceSlice publications that succeeded.
// Thread safety: a pure function of the views it is given.
#pragma once

#include <cstdint>
#include <vector>

#include "observe/prometheus_text.h"
#include "resources/dra_devices.h"

namespace teedp::app {

// One served driver as the metrics see it.
struct DraDriverMetricsView {
  resources::DraDriverDevices devices;
  bool registered = false;
  size_t prepared_claims = 0;
};

void WriteDraMetrics(observe::MetricsText& text, const std::vector<DraDriverMetricsView>& drivers,
                     uint64_t slice_publications);

}  // namespace teedp::app
