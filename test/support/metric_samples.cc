#include "support/metric_samples.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace teedp::testing {

MetricSamples MetricSamples::Parse(const std::string& exposition) {
  MetricSamples parsed;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string value = line.substr(space + 1);
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    parsed.samples_[line.substr(0, space)] =
        end != value.c_str() && *end == '\0' ? number : std::nan("");
  }
  return parsed;
}

std::optional<double> MetricSamples::Get(const std::string& series) const {
  auto it = samples_.find(series);
  if (it == samples_.end()) return std::nullopt;
  return it->second;
}

}  // namespace teedp::testing
