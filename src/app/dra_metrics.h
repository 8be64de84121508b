// Provides the DRA daemon's Prometheus families: per driver whether the kubelet registered it,
// its published devices, each EPC device's capacity and the bytes of it prepared claims hold, the
// claims prepared on this node now, claims prepared and unprepared by outcome, the duration of
// the kubelet's calls, and the ResourceSlice publications that succeeded.
// Thread safety: a pure function of the views it is given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "dra/claim_counters.h"
#include "observe/pod_resources.h"
#include "observe/prometheus_text.h"
#include "resources/dra_devices.h"

namespace teedp::app {

// One served driver as the metrics see it.
struct DraDriverMetricsView {
  resources::DraDriverDevices devices;
  bool registered = false;
  size_t prepared_claims = 0;
  std::map<std::string, uint64_t> epc_claimed;   // bytes by device, from prepared claims
  const dra::ClaimCounters* counters = nullptr;  // null until the driver's sockets serve
};

void WriteDraMetrics(observe::MetricsText& text, const std::vector<DraDriverMetricsView>& drivers,
                     uint64_t slice_publications);

// Per container, from the kubelet's PodResources (dynamic_resources): each DRA device a claim
// gives it (tee_dra_container_devices) and, for EPC, the bytes that claim holds of the device
// (tee_dra_container_epc_bytes, joined with the checkpoint by claim and device), with the query's
// own families.
void WriteDraPodMetrics(
    observe::MetricsText& text, const observe::PodUnitsReport& report,
    const std::map<std::tuple<std::string, std::string, std::string>, uint64_t>& epc_by_claim);

}  // namespace teedp::app
