#include "observe/prometheus_text.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace teedp::observe {
namespace {

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string(buffer, end);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void MetricsText::Family(std::string_view name, MetricType type, std::string_view help) {
  family_ = std::string(name);
  absl::StrAppend(&text_, "# HELP ", family_, " ", EscapeHelp(help), "\n# TYPE ", family_, " ",
                  std::string(TypeName(type)), "\n");
}

void MetricsText::Sample(const MetricLabels& labels, double value) { Line("", labels, value); }

void MetricsText::Histogram(const MetricLabels& labels, std::span<const double> bounds,
                            std::span<const uint64_t> buckets, double sum) {
  uint64_t cumulative = 0;
  MetricLabels with_le = labels;
  with_le.emplace_back("le", "");
  for (size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    with_le.back().second = i < bounds.size() ? FormatMetricValue(bounds[i]) : "+Inf";
    Line("_bucket", with_le, static_cast<double>(cumulative));
  }
  Line("_sum", labels, sum);
  Line("_count", labels, static_cast<double>(cumulative));
}

void MetricsText::Line(std::string_view suffix, const MetricLabels& labels, double value) {
  absl::StrAppend(&text_, family_, std::string(suffix));
  if (!labels.empty()) {
    text_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      absl::StrAppend(&text_, i == 0 ? "" : ",", labels[i].first, "=\"",
                      EscapeLabelValue(labels[i].second), "\"");
    }
    text_ += '}';
  }
  absl::StrAppend(&text_, " ", FormatMetricValue(value), "\n");
}

}  // namespace teedp::observe
