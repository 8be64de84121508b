// Provides MetricSamples: the samples of a Prometheus text exposition, keyed by series
// (`name{labels}` exactly as exposed). A lookup of a series that is not there is nullopt, never
// a silent zero, so `EXPECT_THAT(samples.Get(series), Optional(0))` fails when the series is gone.
// Thread safety: immutable after Parse.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace teedp::testing {

class MetricSamples {
 public:
  // Skips comments and empty lines; a line without a numeric value is kept as NaN.
  static MetricSamples Parse(const std::string& exposition);

  // The value of `series`, or nullopt when the exposition has no such line.
  std::optional<double> Get(const std::string& series) const;
  const std::map<std::string, double>& all() const { return samples_; }

 private:
  std::map<std::string, double> samples_;
};

}  // namespace teedp::testing
