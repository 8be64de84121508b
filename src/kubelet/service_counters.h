// Provides ServiceCounters: what one resource's DevicePlugin service has answered (calls by gRPC
// status code, latency histograms, ListAndWatch streams), for the metrics endpoint and benches.
// Thread safety: Record* run on gRPC's threads with relaxed atomics only (no lock on the hot
// path); Read* may run concurrently and see each counter atomically, not all of them at one
// instant.
#pragma once

#include <grpcpp/grpcpp.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "observe/latency_histogram.h"

namespace teedp::kubelet {

enum class Rpc : uint8_t {
  kGetDevicePluginOptions,
  kListAndWatch,
  kGetPreferredAllocation,
  kAllocate,
  kPreStartContainer,
};
inline constexpr size_t kRpcCount = 5;
// gRPC's status codes are 0 (OK) to 16 (UNAUTHENTICATED).
inline constexpr size_t kStatusCodeCount = 17;

// The method name as the service definition spells it ("Allocate", ...).
std::string_view RpcName(Rpc rpc);

// Upper bounds of the latency buckets, in seconds: Allocate(1) takes tens of microseconds and
// Allocate of 100 GiB a few milliseconds, so the buckets span 25 us to 100 ms.
inline constexpr std::array<double, 12> kLatencyBucketBounds = {
    25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3};

// One method's counts, as read at one moment.
struct RpcCounts {
  std::array<uint64_t, kStatusCodeCount> by_code{};
  // Non-cumulative: bucket i counts calls above bound i-1 and at most bound i; the last entry
  // counts calls above every bound.
  std::array<uint64_t, kLatencyBucketBounds.size() + 1> latency_buckets{};
  double latency_sum_seconds = 0;

  uint64_t calls() const;
  uint64_t errors() const;  // calls that did not end OK
};

class ServiceCounters {
 public:
  // Records a finished unary call (or a finished stream, with its lifetime as `elapsed`).
  // `code` as a number: a value outside grpc::StatusCode's range (counted as UNKNOWN) must not be
  // held in the enum, where it would be undefined behaviour.
  void RecordCall(Rpc rpc, int code, std::chrono::nanoseconds elapsed);
  void RecordStreamOpened();
  void RecordStreamClosed();

  RpcCounts Read(Rpc rpc) const;
  uint64_t streams_opened() const { return streams_opened_.load(std::memory_order_relaxed); }
  uint64_t streams_open() const;

 private:
  struct PerRpc {
    std::array<std::atomic<uint64_t>, kStatusCodeCount> by_code{};
    observe::LatencyHistogram<kLatencyBucketBounds> latency;
  };
  std::array<PerRpc, kRpcCount> rpcs_;
  std::atomic<uint64_t> streams_opened_{0};
  std::atomic<uint64_t> streams_closed_{0};
};

}  // namespace teedp::kubelet
