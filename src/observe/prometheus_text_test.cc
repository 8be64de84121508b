#include "observe/prometheus_text.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>

namespace teedp::observe {
namespace {

TEST(PrometheusTextTest, CounterAndGaugeFamiliesWithEscapedLabels) {
  MetricsText text;
  text.Family("x_calls_total", MetricType::kCounter, "Calls\\with a backslash\nand a newline");
  text.Sample({{"method", "Allocate"}, {"code", "OK"}}, 3);
  text.Sample({{"pod", "a\"b\\c\nd"}}, 0.5);
  text.Family("x_up", MetricType::kGauge, "Up");
  text.Sample({}, 1);
  EXPECT_EQ(text.text(),
            "# HELP x_calls_total Calls\\\\with a backslash\\nand a newline\n"
            "# TYPE x_calls_total counter\n"
            "x_calls_total{method=\"Allocate\",code=\"OK\"} 3\n"
            "x_calls_total{pod=\"a\\\"b\\\\c\\nd\"} 0.5\n"
            "# HELP x_up Up\n"
            "# TYPE x_up gauge\n"
            "x_up 1\n");
}

TEST(PrometheusTextTest, HistogramBucketsAreCumulativeUpToInf) {
  MetricsText text;
  text.Family("x_seconds", MetricType::kHistogram, "Latency");
  const std::array<double, 3> bounds = {25e-6, 0.001, 0.1};
  const std::array<uint64_t, 4> buckets = {2, 0, 5, 1};  // per bucket, last is above 0.1
  text.Histogram({{"method", "Allocate"}}, bounds, buckets, 0.75);
  EXPECT_EQ(text.text(),
            "# HELP x_seconds Latency\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{method=\"Allocate\",le=\"2.5e-05\"} 2\n"
            "x_seconds_bucket{method=\"Allocate\",le=\"0.001\"} 2\n"
            "x_seconds_bucket{method=\"Allocate\",le=\"0.1\"} 7\n"
            "x_seconds_bucket{method=\"Allocate\",le=\"+Inf\"} 8\n"
            "x_seconds_sum{method=\"Allocate\"} 0.75\n"
            "x_seconds_count{method=\"Allocate\"} 8\n");
}

TEST(PrometheusTextTest, ValuesUseTheShortestExactText) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(1234567), "1234567");
  EXPECT_EQ(FormatMetricValue(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace teedp::observe
