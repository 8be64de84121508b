#include "observe/pod_resources.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <map>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "podresources/v1/api.grpc.pb.h"

namespace teedp::observe {

namespace {

// One series: namespace, pod, container, resource. Views into the List answer.
using SeriesKey =
    std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;

// The distinct device IDs of each series, series in the order the kubelet first lists them.
struct SeriesIds {
  std::vector<SeriesKey> order;
  std::map<SeriesKey, std::unordered_set<std::string_view>> ids;
};

SeriesIds CollectSeriesIds(const v1::ListPodResourcesResponse& response,
                           const std::set<std::string>& resources) {
  SeriesIds series;
  for (const v1::PodResources& pod : response.pod_resources()) {
    for (const v1::ContainerResources& container : pod.containers()) {
      for (const v1::ContainerDevices& devices : container.devices()) {
        if (resources.count(devices.resource_name()) == 0 || devices.device_ids_size() == 0) {
          continue;
        }
        const SeriesKey key{pod.namespace_(), pod.name(), container.name(),
                            devices.resource_name()};
        auto [it, added] = series.ids.try_emplace(key);
        if (added) series.order.push_back(key);
        it->second.insert(devices.device_ids().begin(), devices.device_ids().end());
      }
    }
  }
  return series;
}

}  // namespace

PodUnits CountPodUnits(const v1::ListPodResourcesResponse& response,
                       const std::set<std::string>& resources, size_t max_series) {
  const SeriesIds series = CollectSeriesIds(response, resources);
  PodUnits result;
  for (const SeriesKey& key : series.order) {
    if (result.containers.size() == max_series) {
      ++result.dropped;
      continue;
    }
    const auto& [pod_namespace, pod, container, resource] = key;
    result.containers.push_back({std::string(pod_namespace), std::string(pod),
                                 std::string(container), std::string(resource),
                                 static_cast<uint64_t>(series.ids.at(key).size())});
  }
  return result;
}

ClaimDevices ListClaimDevices(const v1::ListPodResourcesResponse& response,
                              const std::set<std::string>& drivers, size_t max_series) {
  ClaimDevices result;
  std::set<std::tuple<std::string_view, std::string_view, std::string_view, std::string_view,
                      std::string_view, std::string_view, std::string_view>>
      seen;
  for (const v1::PodResources& pod : response.pod_resources()) {
    for (const v1::ContainerResources& container : pod.containers()) {
      for (const v1::DynamicResource& claim : container.dynamic_resources()) {
        for (const v1::ClaimResource& device : claim.claim_resources()) {
          if (!drivers.contains(device.driver_name())) continue;
          // A device listed twice for one claim (two requests) is one series.
          if (!seen.emplace(pod.namespace_(), pod.name(), container.name(), claim.claim_namespace(),
                            claim.claim_name(), device.driver_name(), device.device_name())
                   .second) {
            continue;
          }
          if (result.devices.size() == max_series) {
            ++result.dropped;
            continue;
          }
          result.devices.push_back({pod.namespace_(), pod.name(), container.name(),
                                    claim.claim_namespace(), claim.claim_name(),
                                    device.driver_name(), device.device_name()});
        }
      }
    }
  }
  return result;
}

PodResourcesReader::PodResourcesReader(Options options) : options_(std::move(options)) {}

absl::StatusOr<v1::ListPodResourcesResponse> PodResourcesReader::Query() const {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(options_.max_receive_bytes));
  // A channel per query: the kubelet recreates its socket when it restarts, and between scrapes
  // no connection is kept open.
  auto channel = grpc::CreateCustomChannel("unix://" + options_.socket_path,
                                           grpc::InsecureChannelCredentials(), arguments);
  auto stub = v1::PodResourcesLister::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  v1::ListPodResourcesResponse response;
  grpc::Status status = stub->List(&context, v1::ListPodResourcesRequest(), &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("PodResources List on ", options_.socket_path, ": ",
                                               status.error_message(), " (gRPC code ",
                                               static_cast<int>(status.error_code()), ")"));
  }
  return response;
}

PodUnitsReport PodResourcesReader::Read() {
  teedp::MutexLock lock(&mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (report_.queries > 0 && now - refreshed_ < options_.cache_for) return report_;
  absl::StatusOr<v1::ListPodResourcesResponse> response = Query();
  refreshed_ = std::chrono::steady_clock::now();
  ++report_.queries;
  if (!response.ok()) {
    // Keyed by the code: the messages of one outage vary from query to query.
    if (failures_.Note(absl::StatusCodeToString(response.status().code()))) {
      spdlog::warn("per-pod units unavailable: {}", response.status().ToString());
    }
    ++report_.failures;
    report_.ok = false;
    report_.error = std::string(response.status().message());
    return report_;
  }
  if (failures_.Clear()) spdlog::info("per-pod units available again");
  report_.ok = true;
  report_.error.clear();
  report_.units = CountPodUnits(*response, options_.resources, options_.max_series);
  report_.claim_devices = ListClaimDevices(*response, options_.drivers, options_.max_series);
  return report_;
}

void WritePodUnitMetrics(MetricsText& text, const PodUnitsReport& report) {
  text.Family("tee_device_plugin_pod_units", MetricType::kGauge,
              "Units of a resource each container holds, from the kubelet's PodResources API "
              "(as of the last query that answered)");
  for (const ContainerUnits& c : report.units.containers) {
    text.Sample({{"namespace", c.pod_namespace},
                 {"pod", c.pod},
                 {"container", c.container},
                 {"resource", c.resource}},
                static_cast<double>(c.units));
  }
  text.Family("tee_device_plugin_pod_units_series_dropped", MetricType::kGauge,
              "Series (container and resource) left out of tee_device_plugin_pod_units by its "
              "series limit");
  text.Sample({}, static_cast<double>(report.units.dropped));
  WritePodResourcesQueryMetrics(text, report);
}

void WritePodResourcesQueryMetrics(MetricsText& text, const PodUnitsReport& report) {
  text.Family("tee_device_plugin_pod_resources_up", MetricType::kGauge,
              "1 when the last PodResources query answered, else 0");
  text.Sample({}, report.ok ? 1 : 0);
  text.Family("tee_device_plugin_pod_resources_queries_total", MetricType::kCounter,
              "PodResources List queries made (at most one per cache period)");
  text.Sample({}, static_cast<double>(report.queries));
  text.Family("tee_device_plugin_pod_resources_query_failures_total", MetricType::kCounter,
              "PodResources List queries that failed");
  text.Sample({}, static_cast<double>(report.failures));
}

}  // namespace teedp::observe
