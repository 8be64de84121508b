#include "kubelet/service_counters.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "deviceplugin/v1beta1/api.grpc.pb.h"

namespace teedp::kubelet {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(ServiceCountersTest, CountsCallsByStatusCodeAndMethod) {
  ServiceCounters counters;
  counters.RecordCall(Rpc::kAllocate, grpc::StatusCode::OK, microseconds(10));
  counters.RecordCall(Rpc::kAllocate, grpc::StatusCode::INVALID_ARGUMENT, microseconds(10));
  counters.RecordCall(Rpc::kGetPreferredAllocation, grpc::StatusCode::OK, microseconds(10));
  RpcCounts allocate = counters.Read(Rpc::kAllocate);
  EXPECT_EQ(allocate.calls(), 2u);
  EXPECT_EQ(allocate.errors(), 1u);
  EXPECT_EQ(allocate.by_code[static_cast<size_t>(grpc::StatusCode::INVALID_ARGUMENT)], 1u);
  EXPECT_EQ(counters.Read(Rpc::kGetPreferredAllocation).calls(), 1u);
  EXPECT_EQ(counters.Read(Rpc::kListAndWatch).calls(), 0u);
}

TEST(ServiceCountersTest, LatencyLandsInTheFirstBucketWhoseBoundHoldsIt) {
  ServiceCounters counters;
  counters.RecordCall(Rpc::kAllocate, grpc::StatusCode::OK, microseconds(25));   // on a bound
  counters.RecordCall(Rpc::kAllocate, grpc::StatusCode::OK, microseconds(26));   // just above
  counters.RecordCall(Rpc::kAllocate, grpc::StatusCode::OK, milliseconds(500));  // beyond all
  RpcCounts counts = counters.Read(Rpc::kAllocate);
  EXPECT_EQ(counts.latency_buckets[0], 1u);
  EXPECT_EQ(counts.latency_buckets[1], 1u);
  EXPECT_EQ(counts.latency_buckets.back(), 1u);
  EXPECT_NEAR(counts.latency_sum_seconds, 0.500051, 1e-9);
}

TEST(ServiceCountersTest, ACodeOutsideGrpcsRangeCountsAsUnknown) {
  ServiceCounters counters;
  counters.RecordCall(Rpc::kAllocate, 99, microseconds(1));
  EXPECT_EQ(counters.Read(Rpc::kAllocate).by_code[static_cast<size_t>(grpc::StatusCode::UNKNOWN)],
            1u);
}

TEST(ServiceCountersTest, OpenStreamsAreOpenedMinusClosed) {
  ServiceCounters counters;
  counters.RecordStreamOpened();
  counters.RecordStreamOpened();
  counters.RecordStreamClosed();
  EXPECT_EQ(counters.streams_opened(), 2u);
  EXPECT_EQ(counters.streams_open(), 1u);
}

TEST(ServiceCountersTest, NamesAreTheServiceDefinitionsMethods) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("v1beta1.DevicePlugin");
  ASSERT_NE(service, nullptr);
  ASSERT_EQ(static_cast<size_t>(service->method_count()), kRpcCount);
  for (size_t i = 0; i < kRpcCount; ++i) {
    EXPECT_NE(service->FindMethodByName(std::string(RpcName(static_cast<Rpc>(i)))), nullptr)
        << RpcName(static_cast<Rpc>(i));
  }
}

}  // namespace
}  // namespace teedp::kubelet
