#include "app/dra_metrics.h"

#include <string>

namespace teedp::app {

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
  text.Family("tee_dra_prepared_claims", MetricType::kGauge,
              "ResourceClaims prepared on this node now (in the driver's checkpoint)");
  for (const DraDriverMetricsView& driver : drivers) {
    text.Sample({{"driver", driver.devices.driver}}, static_cast<double>(driver.prepared_claims));
  }
  text.Family("tee_dra_slice_publications_total", MetricType::kCounter,
              "Times every driver's ResourceSlices were checked and made current");
  text.Sample({}, static_cast<double>(slice_publications));
}

}  // namespace teedp::app
