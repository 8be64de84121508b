#include "app/daemon_metrics.h"

#include <array>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "kubelet/service_counters.h"

namespace teedp::app {
namespace {

using observe::MetricsText;
using observe::MetricType;

// The unary methods: ListAndWatch's "latency" would be a stream's lifetime, which the buckets
// (25 us to 100 ms) are not made for.
constexpr std::array<kubelet::Rpc, 4> kUnaryRpcs = {
    kubelet::Rpc::kGetDevicePluginOptions, kubelet::Rpc::kGetPreferredAllocation,
    kubelet::Rpc::kAllocate, kubelet::Rpc::kPreStartContainer};

constexpr std::array<kubelet::Rpc, 5> kAllRpcs = {
    kubelet::Rpc::kGetDevicePluginOptions, kubelet::Rpc::kListAndWatch,
    kubelet::Rpc::kGetPreferredAllocation, kubelet::Rpc::kAllocate,
    kubelet::Rpc::kPreStartContainer};

std::string NumaLabel(int node) { return node < 0 ? "none" : std::to_string(node); }

// Units per NUMA node of a plan ("none" when the node gave no topology).
std::map<std::string, uint64_t> UnitsByNuma(const resources::ResourcePlan& plan) {
  std::map<std::string, uint64_t> units;
  for (const resources::UnitBlock& block : plan.blocks)
    units[NumaLabel(block.numa_node)] += block.count;
  if (units.empty()) units["none"] = 0;
  return units;
}

void WriteUnitFamilies(MetricsText& text, const std::vector<ResourceMetricsView>& resources) {
  text.Family("tee_device_plugin_capacity_units", MetricType::kGauge,
              "Units advertised to the kubelet, per resource and NUMA node");
  for (const ResourceMetricsView& r : resources) {
    for (const auto& [numa, units] : UnitsByNuma(*r.plan)) {
      text.Sample({{"resource", r.plan->resource_name}, {"numa_node", numa}},
                  static_cast<double>(units));
    }
  }
  text.Family("tee_device_plugin_allocatable_units", MetricType::kGauge,
              "Healthy units advertised, per resource and NUMA node (what the kubelet can "
              "allocate)");
  for (const ResourceMetricsView& r : resources) {
    for (const auto& [numa, units] : UnitsByNuma(*r.plan)) {
      text.Sample({{"resource", r.plan->resource_name}, {"numa_node", numa}},
                  r.plan->healthy ? static_cast<double>(units) : 0);
    }
  }
  text.Family("tee_device_plugin_units", MetricType::kGauge,
              "Units advertised by health (all units of a resource share one health)");
  for (const ResourceMetricsView& r : resources) {
    const double all = r.plan->unit_count;
    text.Sample({{"resource", r.plan->resource_name}, {"health", "healthy"}},
                r.plan->healthy ? all : 0);
    text.Sample({{"resource", r.plan->resource_name}, {"health", "unhealthy"}},
                r.plan->healthy ? 0 : all);
  }
  text.Family("tee_device_plugin_node_units", MetricType::kGauge,
              "Whole units the node has; more than capacity when the list was cut to the "
              "kubelet's 4 MiB message limit");
  for (const ResourceMetricsView& r : resources) {
    const uint64_t on_node = r.plan->units_on_node;  // a shared device's equals its unit_count
    text.Sample({{"resource", r.plan->resource_name}}, static_cast<double>(on_node));
  }
}

// Counter and gauge families that read one number per endpoint.
void WriteEndpointFamily(MetricsText& text, const std::vector<ResourceMetricsView>& resources,
                         std::string_view name, MetricType type, std::string_view help,
                         double (*read)(const kubelet::PluginEndpoint&)) {
  text.Family(name, type, help);
  for (const ResourceMetricsView& r : resources) {
    text.Sample({{"resource", r.plan->resource_name}},
                r.endpoint == nullptr ? 0 : read(*r.endpoint));
  }
}

void WriteRegistrationFamilies(MetricsText& text,
                               const std::vector<ResourceMetricsView>& resources) {
  WriteEndpointFamily(text, resources, "tee_device_plugin_registered", MetricType::kGauge,
                      "1 while the resource is registered with the kubelet",
                      [](const kubelet::PluginEndpoint& e) { return e.registered() ? 1.0 : 0.0; });
  WriteEndpointFamily(
      text, resources, "tee_device_plugin_registrations_total", MetricType::kCounter,
      "Registrations the kubelet accepted",
      [](const kubelet::PluginEndpoint& e) { return static_cast<double>(e.registrations()); });
  WriteEndpointFamily(text, resources, "tee_device_plugin_registration_failures_total",
                      MetricType::kCounter,
                      "Register calls that failed (refused, hung up or past the deadline)",
                      [](const kubelet::PluginEndpoint& e) {
                        return static_cast<double>(e.registration_failures());
                      });
  WriteEndpointFamily(text, resources, "tee_device_plugin_kubelet_restarts_total",
                      MetricType::kCounter, "Kubelet restarts seen (a new kubelet.sock)",
                      [](const kubelet::PluginEndpoint& e) {
                        return static_cast<double>(e.kubelet_restarts_seen());
                      });
  WriteEndpointFamily(text, resources, "tee_device_plugin_list_and_watch_streams_open",
                      MetricType::kGauge, "ListAndWatch streams open now",
                      [](const kubelet::PluginEndpoint& e) {
                        return static_cast<double>(e.counters().streams_open());
                      });
}

void WriteCallFamilies(MetricsText& text, const std::vector<ResourceMetricsView>& resources) {
  text.Family("tee_device_plugin_grpc_calls_total", MetricType::kCounter,
              "Device plugin calls answered, by method and gRPC status code (OK always shown)");
  for (const ResourceMetricsView& r : resources) {
    if (r.endpoint == nullptr) continue;
    for (kubelet::Rpc rpc : kAllRpcs) {
      const kubelet::RpcCounts counts = r.endpoint->counters().Read(rpc);
      for (size_t code = 0; code < counts.by_code.size(); ++code) {
        if (code != 0 && counts.by_code[code] == 0) continue;
        text.Sample({{"resource", r.plan->resource_name},
                     {"method", std::string(kubelet::RpcName(rpc))},
                     {"code", GrpcCodeName(code)}},
                    static_cast<double>(counts.by_code[code]));
      }
    }
  }
  text.Family("tee_device_plugin_grpc_call_duration_seconds", MetricType::kHistogram,
              "Time to answer a unary device plugin call, by method");
  for (const ResourceMetricsView& r : resources) {
    if (r.endpoint == nullptr) continue;
    for (kubelet::Rpc rpc : kUnaryRpcs) {
      const kubelet::RpcCounts counts = r.endpoint->counters().Read(rpc);
      text.Histogram(
          {{"resource", r.plan->resource_name}, {"method", std::string(kubelet::RpcName(rpc))}},
          kubelet::kLatencyBucketBounds, counts.latency_buckets, counts.latency_sum_seconds);
    }
  }
}

}  // namespace

std::string GrpcCodeName(size_t code) {
  // gRPC's and abseil's codes share numbers and names; past the last one is UNKNOWN, as gRPC says.
  return absl::StatusCodeToString(code < kubelet::kStatusCodeCount
                                      ? static_cast<absl::StatusCode>(code)
                                      : absl::StatusCode::kUnknown);
}

void WriteBuildInfo(MetricsText& text, std::string_view version, std::string_view git_commit) {
  text.Family("tee_device_plugin_build_info", MetricType::kGauge,
              "Always 1; the labels say which build is running");
  text.Sample({{"version", std::string(version)}, {"git_commit", std::string(git_commit)}}, 1);
}

void WriteDaemonMetrics(MetricsText& text, const std::vector<ResourceMetricsView>& resources) {
  WriteUnitFamilies(text, resources);
  WriteRegistrationFamilies(text, resources);
  WriteCallFamilies(text, resources);
}

}  // namespace teedp::app
