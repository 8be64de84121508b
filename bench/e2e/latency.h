// Provides the statistics the end-to-end benchmark reports: nearest-rank percentiles and medians
// of samples, and conversions from steady_clock durations to milliseconds and microseconds.
// Thread safety: pure functions without state; safe to call from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

namespace teedp::bench {

using Clock = std::chrono::steady_clock;

// The nearest-rank percentile `p` (0 < p <= 100) of `samples`: the smallest sample with at least
// p% of all samples at or below it, so every reported figure was actually measured. nullopt when
// `samples` is empty.
std::optional<double> Percentile(std::vector<double> samples, double p);

// Percentile(samples, 50).
std::optional<double> Median(std::vector<double> samples);

double ToMillis(Clock::duration duration);
double ToMicros(Clock::duration duration);

}  // namespace teedp::bench
