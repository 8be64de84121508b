#include "app/dra_metrics.h"

#include <string>

namespace teedp::app {
namespace {

constexpr dra::ClaimCall kClaimCalls[] = {dra::ClaimCall::kPrepare, dra::ClaimCall::kUnprepare};

void WriteClaimCallMetrics(observe::MetricsText& text,
                           const std::vector<DraDriverMetricsView>& drivers) {
  using observe::MetricType;
  text.Family("tee_dra_claims_total", MetricType::kCounter,
              "Claims the kubelet asked to prepare or unprepare, by outcome (error: answered "
              "with a per-claim error)");
  for (const DraDriverMetricsView& driver : drivers) {
    if (driver.counters == nullptr) continue;
    for (dra::ClaimCall call : kClaimCalls) {
      const dra::ClaimCounters::Counts counts = driver.counters->Read(call);
      const std::string method(dra::ClaimCallName(call));
      text.Sample({{"driver", driver.devices.driver}, {"method", method}, {"outcome", "ok"}},
                  static_cast<double>(counts.claims_ok));
      text.Sample({{"driver", driver.devices.driver}, {"method", method}, {"outcome", "error"}},
                  static_cast<double>(counts.claims_failed));
    }
  }
  text.Family("tee_dra_call_duration_seconds", MetricType::kHistogram,
              "Duration of the kubelet's NodePrepareResources and NodeUnprepareResources calls");
  for (const DraDriverMetricsView& driver : drivers) {
    if (driver.counters == nullptr) continue;
    for (dra::ClaimCall call : kClaimCalls) {
      const dra::ClaimCounters::Counts counts = driver.counters->Read(call);
      text.Histogram(
          {{"driver", driver.devices.driver}, {"method", std::string(dra::ClaimCallName(call))}},
          dra::kClaimCallBounds, counts.calls.buckets, counts.calls.sum_seconds);
    }
  }
}

}  // namespace

void WriteDraMetrics(observe::MetricsText& text, const std::vector<DraDriverMetricsView>& drivers,
                     uint64_t slice_publications) {
  using observe::MetricType;
  text.Family("tee_dra_driver_registered", MetricType::kGauge,
              "1 when the kubelet registered the DRA driver, 0 while it has not");
  for (const DraDriverMetricsView& driver : drivers) {
    text.Sample({{"driver", driver.devices.driver}}, driver.registered ? 1 : 0);
  }
  text.Family("tee_dra_devices", MetricType::kGauge,
              "Devices the driver publishes in this node's ResourceSlices");
  for (const DraDriverMetricsView& driver : drivers) {
    text.Sample({{"driver", driver.devices.driver}},
                static_cast<double>(driver.devices.devices.size()));
  }
  text.Family("tee_dra_epc_capacity_bytes", MetricType::kGauge,
              "EPC a device offers to claims (its capacity \"epc\"), in bytes");
  for (const DraDriverMetricsView& driver : drivers) {
    for (const resources::DraDevice& device : driver.devices.devices) {
      auto epc = device.capacity.find(std::string(resources::kEpcCapacity));
      if (epc == device.capacity.end()) continue;
      text.Sample({{"driver", driver.devices.driver}, {"device", device.name}},
                  static_cast<double>(epc->second.value));
    }
  }
  text.Family("tee_dra_epc_claimed_bytes", MetricType::kGauge,
              "EPC of a device that claims prepared on this node consume, in bytes");
  for (const DraDriverMetricsView& driver : drivers) {
    for (const resources::DraDevice& device : driver.devices.devices) {
      if (!device.capacity.contains(std::string(resources::kEpcCapacity))) continue;
      auto claimed = driver.epc_claimed.find(device.name);
      text.Sample({{"driver", driver.devices.driver}, {"device", device.name}},
                  claimed == driver.epc_claimed.end() ? 0 : static_cast<double>(claimed->second));
    }
  }
  text.Family("tee_dra_prepared_claims", MetricType::kGauge,
              "ResourceClaims prepared on this node now (in the driver's checkpoint)");
  for (const DraDriverMetricsView& driver : drivers) {
    text.Sample({{"driver", driver.devices.driver}}, static_cast<double>(driver.prepared_claims));
  }
  WriteClaimCallMetrics(text, drivers);
  text.Family("tee_dra_slice_publications_total", MetricType::kCounter,
              "Times every driver's ResourceSlices were checked and made current");
  text.Sample({}, static_cast<double>(slice_publications));
}

void WriteDraPodMetrics(
    observe::MetricsText& text, const observe::PodUnitsReport& report,
    const std::map<std::tuple<std::string, std::string, std::string>, uint64_t>& epc_by_claim) {
  using observe::MetricType;
  auto labels = [](const observe::ContainerClaimDevice& d) -> observe::MetricLabels {
    return {{"namespace", d.pod_namespace},
            {"pod", d.pod},
            {"container", d.container},
            {"claim_namespace", d.claim_namespace},
            {"claim", d.claim},
            {"driver", d.driver},
            {"device", d.device}};
  };
  text.Family("tee_dra_container_devices", MetricType::kGauge,
              "1 for each device of this node's DRA drivers a container holds through a claim, "
              "from the kubelet's PodResources API");
  for (const observe::ContainerClaimDevice& device : report.claim_devices.devices) {
    text.Sample(labels(device), 1);
  }
  text.Family("tee_dra_container_epc_bytes", MetricType::kGauge,
              "EPC bytes a container's claim holds of a device");
  for (const observe::ContainerClaimDevice& device : report.claim_devices.devices) {
    auto bytes = epc_by_claim.find({device.claim_namespace, device.claim, device.device});
    if (bytes == epc_by_claim.end()) continue;
    text.Sample(labels(device), static_cast<double>(bytes->second));
  }
  text.Family("tee_dra_container_devices_series_dropped", MetricType::kGauge,
              "Series left out of tee_dra_container_devices by its series limit");
  text.Sample({}, static_cast<double>(report.claim_devices.dropped));
  observe::WritePodResourcesQueryMetrics(text, report);
}

}  // namespace teedp::app
