// Provides LatencyHistogram: call durations counted into fixed buckets with relaxed atomics, so
// the gRPC threads that record never take a lock, and the metrics endpoint reads a snapshot
// (each bucket atomically, not all at one instant).
// Thread safety: Record and Read from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace teedp::observe {

// `kBounds`: the buckets' upper bounds in seconds, ascending (a constexpr array with linkage).
template <const auto& kBounds>
class LatencyHistogram {
 public:
  static constexpr size_t kBuckets = kBounds.size() + 1;
  struct Snapshot {
    // Non-cumulative: bucket i counts durations above bound i-1 and at most bound i; the last
    // entry counts those above every bound.
    std::array<uint64_t, kBuckets> buckets{};
    double sum_seconds = 0;
  };

  void Record(std::chrono::nanoseconds elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const auto bucket = static_cast<size_t>(
        std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(elapsed.count(), 0)),
                      std::memory_order_relaxed);
  }

  Snapshot Read() const {
    Snapshot out;
    for (size_t i = 0; i < kBuckets; ++i) {
      out.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    out.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) * 1e-9;
    return out;
  }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace teedp::observe
