// Provides PodResourcesReader: which pod's container holds how many units of our resources, read
// from the kubelet's PodResources v1 List on scrape. Answers are cached for a few seconds and a
// query has a short deadline, so a storm of scrapes costs the kubelet at most one query per
// cache period and a slow kubelet never holds a scrape for long. The label set is bounded: at most
// `max_series` series (one per container and resource) are reported; the rest are counted as
// dropped.
// Thread safety: Read() is safe from any thread; concurrent callers share one query.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/log_on_change.h"
#include "common/mutex.h"
#include "observe/prometheus_text.h"
#include "podresources/v1/api.pb.h"

namespace teedp::observe {

struct ContainerUnits {
  std::string pod_namespace;
  std::string pod;
  std::string container;
  std::string resource;
  uint64_t units = 0;
  friend bool operator==(const ContainerUnits&, const ContainerUnits&) = default;
};

// One entry per (namespace, pod, container, resource) holding any of `resources` in a List
// answer. The kubelet lists a ContainerDevices entry per device ID and NUMA node, in no set order,
// so `units` is the number of distinct IDs over all of that container's entries for the resource.
// At most `max_series` entries, in the order the kubelet first lists them; `dropped` says how
// many more there were.
struct PodUnits {
  std::vector<ContainerUnits> containers;
  uint64_t dropped = 0;
};
PodUnits CountPodUnits(const v1::ListPodResourcesResponse& response,
                       const std::set<std::string>& resources, size_t max_series);

// One device of a DRA claim a container holds.
struct ContainerClaimDevice {
  std::string pod_namespace;
  std::string pod;
  std::string container;
  std::string claim_namespace;
  std::string claim;
  std::string driver;
  std::string device;
  friend bool operator==(const ContainerClaimDevice&, const ContainerClaimDevice&) = default;
};

// The DRA devices of `drivers` each container holds (kubelet 1.34+ lists them in
// dynamic_resources), one entry per container, claim and device, at most `max_series` of them in
// the kubelet's order; `dropped` counts the rest.
struct ClaimDevices {
  std::vector<ContainerClaimDevice> devices;
  uint64_t dropped = 0;
};
ClaimDevices ListClaimDevices(const v1::ListPodResourcesResponse& response,
                              const std::set<std::string>& drivers, size_t max_series);

// What a scrape reports.
struct PodUnitsReport {
  bool ok = false;             // the latest query answered
  std::string error;           // why it did not ("" when ok)
  PodUnits units;              // from the latest query that answered
  ClaimDevices claim_devices;  // the same, for DRA drivers
  uint64_t queries = 0;
  uint64_t failures = 0;
};

class PodResourcesReader {
 public:
  struct Options {
    std::string socket_path;
    std::set<std::string> resources;  // our resource names
    std::set<std::string> drivers;    // our DRA drivers
    std::chrono::milliseconds deadline{1000};
    std::chrono::milliseconds cache_for{5000};
    size_t max_series = 1000;
    size_t max_receive_bytes = 64 << 20;  // a 100 GiB pod alone lists ~100,000 IDs
  };
  explicit PodResourcesReader(Options options);

  // The cached report, refreshed first when it is older than cache_for.
  PodUnitsReport Read() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  absl::StatusOr<v1::ListPodResourcesResponse> Query() const;

  const Options options_;
  teedp::Mutex mutex_;
  PodUnitsReport report_ ABSL_GUARDED_BY(mutex_);
  LogOnChange failures_ ABSL_GUARDED_BY(mutex_);  // logged once per outage, not per scrape
  std::chrono::steady_clock::time_point refreshed_ ABSL_GUARDED_BY(mutex_);
};

// The per-pod families: tee_device_plugin_pod_units, _pod_units_series_dropped, and the query's.
void WritePodUnitMetrics(MetricsText& text, const PodUnitsReport& report);
// The query's families: tee_device_plugin_pod_resources_up, _pod_resources_queries_total,
// _pod_resources_query_failures_total.
void WritePodResourcesQueryMetrics(MetricsText& text, const PodUnitsReport& report);

}  // namespace teedp::observe
