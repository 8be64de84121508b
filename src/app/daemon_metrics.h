// Provides the daemon's Prometheus families: build info, per resource the advertised capacity and
// allocatable units by NUMA node, units by health, registration state and counts, kubelet
// restarts seen, and the device plugin service's calls by method and gRPC code, latency
// histograms and ListAndWatch streams. Reads only: snapshots and endpoint counters.
// Thread safety: WriteDaemonMetrics may run on any thread while the daemon serves; the views it
// is given must stay alive meanwhile.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "kubelet/plugin_endpoint.h"
#include "observe/prometheus_text.h"
#include "resources/resource_plan.h"

namespace teedp::app {

// One served resource as the metrics see it.
struct ResourceMetricsView {
  std::shared_ptr<const resources::ResourcePlan> plan;
  const kubelet::PluginEndpoint* endpoint = nullptr;  // null before Run() starts serving
};

// The name gRPC gives a status code ("OK", "INVALID_ARGUMENT", ...).
std::string GrpcCodeName(size_t code);

// tee_device_plugin_build_info{version,git_commit} 1.
void WriteBuildInfo(observe::MetricsText& text, std::string_view version,
                    std::string_view git_commit);
// Every per-resource family, each with one sample set per resource.
void WriteDaemonMetrics(observe::MetricsText& text,
                        const std::vector<ResourceMetricsView>& resources);

}  // namespace teedp::app
