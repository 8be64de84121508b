#include "kubelet/service_counters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "test_paths.h"

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

// The rpc names of `service` in the .proto file's text (the messages are protobuf-lite: there is
// no service descriptor to ask).
std::vector<std::string> RpcsOf(const std::string& proto_file, const std::string& service) {
  std::ifstream file(proto_file);
  std::stringstream text;
  text << file.rdbuf();
  const std::string all = text.str();
  const size_t start = all.find("service " + service + " {");
  if (start == std::string::npos) return {};
  const std::string body = all.substr(start, all.find("\n}", start) - start);
  std::vector<std::string> names;
  const std::regex rpc(R"(\brpc\s+(\w+)\s*\()");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), rpc); it != std::sregex_iterator();
       ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

TEST(ServiceCountersTest, NamesAreTheServiceDefinitionsMethods) {
  std::vector<std::string> names;
  for (size_t i = 0; i < kRpcCount; ++i) names.emplace_back(RpcName(static_cast<Rpc>(i)));
  EXPECT_THAT(names, ::testing::UnorderedElementsAreArray(
                         RpcsOf(TEE_PROTO_DIR "/deviceplugin/v1beta1/api.proto", "DevicePlugin")));
  EXPECT_STREQ(v1beta1::DevicePlugin::service_full_name(), "v1beta1.DevicePlugin");
}

}  // namespace
}  // namespace teedp::kubelet
