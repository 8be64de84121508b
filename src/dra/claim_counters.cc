#include "dra/claim_counters.h"

namespace teedp::dra {

std::string_view ClaimCallName(ClaimCall call) {
  switch (call) {
    case ClaimCall::kPrepare:
      return "NodePrepareResources";
    case ClaimCall::kUnprepare:
      return "NodeUnprepareResources";
  }
  return "unknown";
}

void ClaimCounters::RecordClaim(ClaimCall call, bool ok) {
  PerCall& counts = calls_[static_cast<size_t>(call)];
  (ok ? counts.ok : counts.failed).fetch_add(1, std::memory_order_relaxed);
}

void ClaimCounters::RecordCall(ClaimCall call, std::chrono::nanoseconds elapsed) {
  calls_[static_cast<size_t>(call)].latency.Record(elapsed);
}

ClaimCounters::Counts ClaimCounters::Read(ClaimCall call) const {
  const PerCall& counts = calls_[static_cast<size_t>(call)];
  return {.claims_ok = counts.ok.load(std::memory_order_relaxed),
          .claims_failed = counts.failed.load(std::memory_order_relaxed),
          .calls = counts.latency.Read()};
}

}  // namespace teedp::dra
