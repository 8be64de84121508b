// Provides ClaimCounters: what one DRA driver's DRAPlugin service has answered, for /metrics and
// benches: claims prepared and unprepared by outcome, and the duration of each
// NodePrepareResources and NodeUnprepareResources call.
// Thread safety: Record* from gRPC's threads with relaxed atomics; Read from any thread (each
// counter atomically, not all at one instant).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "observe/latency_histogram.h"

namespace teedp::dra {

enum class ClaimCall : uint8_t { kPrepare, kUnprepare };
inline constexpr size_t kClaimCallCount = 2;
// The method name of the DRAPlugin service.
std::string_view ClaimCallName(ClaimCall call);

// Bucket bounds in seconds: a prepare answered from the checkpoint takes microseconds, one that
// reads the claim from the API server and writes a CDI spec milliseconds, and a slow API server
// up to its 10 s client timeout.
inline constexpr std::array<double, 14> kClaimCallBounds = {
    100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 1, 2.5, 10};

class ClaimCounters {
 public:
  using Latency = observe::LatencyHistogram<kClaimCallBounds>;
  struct Counts {
    uint64_t claims_ok = 0;
    uint64_t claims_failed = 0;  // answered with a per-claim error
    Latency::Snapshot calls;     // one observation per gRPC call
  };

  void RecordClaim(ClaimCall call, bool ok);
  void RecordCall(ClaimCall call, std::chrono::nanoseconds elapsed);
  Counts Read(ClaimCall call) const;

 private:
  struct PerCall {
    std::atomic<uint64_t> ok{0};
    std::atomic<uint64_t> failed{0};
    Latency latency;
  };
  std::array<PerCall, kClaimCallCount> calls_;
};

}  // namespace teedp::dra
