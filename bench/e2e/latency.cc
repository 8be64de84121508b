#include "e2e/latency.h"

#include <algorithm>
#include <cmath>

namespace teedp::bench {

std::optional<double> Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return std::nullopt;
  // Rank ceil(p/100 * n) counted from 1; clamped so p near 0 still names the smallest sample.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  const size_t index =
      std::clamp<size_t>(static_cast<size_t>(std::max(rank, 1.0)) - 1, 0, samples.size() - 1);
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                   samples.end());
  return samples[index];
}

std::optional<double> Median(std::vector<double> samples) {
  return Percentile(std::move(samples), 50.0);
}

double ToMillis(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

double ToMicros(Clock::duration duration) {
  return std::chrono::duration<double, std::micro>(duration).count();
}

}  // namespace teedp::bench
