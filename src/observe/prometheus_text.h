// Provides MetricsText, a writer of the Prometheus text exposition format (version 0.0.4): metric
// families with HELP and TYPE lines, samples with escaped label values, and histograms with
// cumulative `_bucket{le=...}` lines up to `+Inf`, `_sum` and `_count`.
// Thread safety: a plain value; one writer per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace teedp::observe {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricsText {
 public:
  // Starts a family: its HELP and TYPE lines. Every sample of the family must follow before the
  // next Family call (the format wants a family's samples together). `name` must be a valid
  // metric name; `help` is escaped.
  void Family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current counter or gauge family.
  void Sample(const MetricLabels& labels, double value);
  // One labelled histogram of the current histogram family from non-cumulative bucket counts:
  // buckets[i] counts observations above bounds[i-1] and at most bounds[i]; the one extra last
  // entry counts those above every bound. REQUIRES: buckets.size() == bounds.size() + 1.
  void Histogram(const MetricLabels& labels, std::span<const double> bounds,
                 std::span<const uint64_t> buckets, double sum);

  const std::string& text() const { return text_; }
  std::string Take() { return std::move(text_); }

 private:
  void Line(std::string_view suffix, const MetricLabels& labels, double value);

  std::string text_;
  std::string family_;
};

// The shortest text that reads back as `value` ("1", "0.25", "2.5e-05", "+Inf", "NaN").
std::string FormatMetricValue(double value);
// `value` escaped for a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);

}  // namespace teedp::observe
