#include "app/dra_metrics.h"

#include <gtest/gtest.h>

#include "support/metric_samples.h"

namespace teedp::app {
namespace {

using teedp::testing::MetricSamples;

constexpr char kEpcSeries[] =
    "tee_dra_container_epc_bytes{namespace=\"team-a\",pod=\"enclave\",container=\"app\","
    "claim_namespace=\"team-a\",claim=\"epc-claim\",driver=\"sgx.tee.dev\",device=\"epc-numa-1\"}";

// A container's EPC comes from the checkpoint of the claim that gives it the device; a device
// without consumed capacity (the enclave node) is listed but has no EPC series.
TEST(DraPodMetricsTest, JoinsEachContainersClaimDevicesWithWhatTheClaimHolds) {
  observe::PodUnitsReport report;
  report.ok = true;
  report.queries = 1;
  report.claim_devices.devices = {
      {"team-a", "enclave", "app", "team-a", "epc-claim", "sgx.tee.dev", "epc-numa-1"},
      {"team-a", "enclave", "app", "team-a", "node-claim", "sgx.tee.dev", "enclave"}};
  observe::MetricsText text;
  WriteDraPodMetrics(text, report,
                     {{{"team-a", "epc-claim", "epc-numa-1"}, 64 << 20},
                      {{"team-a", "other", "epc-numa-1"}, 1 << 30}});
  const MetricSamples samples = MetricSamples::Parse(text.text());
  EXPECT_EQ(samples.Get(kEpcSeries), 64 << 20);
  EXPECT_EQ(samples.Get("tee_dra_container_devices{namespace=\"team-a\",pod=\"enclave\","
                        "container=\"app\",claim_namespace=\"team-a\",claim=\"node-claim\","
                        "driver=\"sgx.tee.dev\",device=\"enclave\"}"),
            1);
  EXPECT_FALSE(samples
                   .Get("tee_dra_container_epc_bytes{namespace=\"team-a\",pod=\"enclave\","
                        "container=\"app\",claim_namespace=\"team-a\",claim=\"node-claim\","
                        "driver=\"sgx.tee.dev\",device=\"enclave\"}")
                   .has_value());
  EXPECT_EQ(samples.Get("tee_device_plugin_pod_resources_up"), 1);
}

}  // namespace
}  // namespace teedp::app
