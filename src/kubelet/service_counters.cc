#include "kubelet/service_counters.h"

#include <algorithm>

namespace teedp::kubelet {
namespace {

size_t CodeIndex(int code) {
  auto index = static_cast<size_t>(code);
  // A code outside gRPC's range cannot come from the library; count it as UNKNOWN (2).
  return index < kStatusCodeCount ? index : static_cast<size_t>(grpc::StatusCode::UNKNOWN);
}

}  // namespace

std::string_view RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kGetDevicePluginOptions:
      return "GetDevicePluginOptions";
    case Rpc::kListAndWatch:
      return "ListAndWatch";
    case Rpc::kGetPreferredAllocation:
      return "GetPreferredAllocation";
    case Rpc::kAllocate:
      return "Allocate";
    case Rpc::kPreStartContainer:
      return "PreStartContainer";
  }
  return "unknown";
}

uint64_t RpcCounts::calls() const {
  uint64_t total = 0;
  for (uint64_t count : by_code) total += count;
  return total;
}

uint64_t RpcCounts::errors() const { return calls() - by_code[0]; }

void ServiceCounters::RecordCall(Rpc rpc, int code, std::chrono::nanoseconds elapsed) {
  PerRpc& counts = rpcs_[static_cast<size_t>(rpc)];
  counts.by_code[CodeIndex(code)].fetch_add(1, std::memory_order_relaxed);
  counts.latency.Record(elapsed);
}

void ServiceCounters::RecordStreamOpened() {
  streams_opened_.fetch_add(1, std::memory_order_relaxed);
}

void ServiceCounters::RecordStreamClosed() {
  streams_closed_.fetch_add(1, std::memory_order_relaxed);
}

uint64_t ServiceCounters::streams_open() const {
  // Closed is read first so a stream opened and closed in between cannot make open negative.
  uint64_t closed = streams_closed_.load(std::memory_order_relaxed);
  uint64_t opened = streams_opened_.load(std::memory_order_relaxed);
  return opened >= closed ? opened - closed : 0;
}

RpcCounts ServiceCounters::Read(Rpc rpc) const {
  const PerRpc& counts = rpcs_[static_cast<size_t>(rpc)];
  RpcCounts out;
  for (size_t i = 0; i < kStatusCodeCount; ++i) {
    out.by_code[i] = counts.by_code[i].load(std::memory_order_relaxed);
  }
  const auto latency = counts.latency.Read();
  out.latency_buckets = latency.buckets;
  out.latency_sum_seconds = latency.sum_seconds;
  return out;
}

}  // namespace teedp::kubelet
