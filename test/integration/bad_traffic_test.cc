// Malformed traffic on the plugin's socket: garbage bytes, truncated and oversized HTTP/2 frames,
// broken gRPC messages, and a ListAndWatch client that never reads. The plugin answers with
// precise codes where gRPC gets that far, keeps serving everyone else, and leaks nothing.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "node_harness.h"
#include "plugin_calls.h"
#include "raw_client.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kAllocatePath = "/v1beta1.DevicePlugin/Allocate";
constexpr const char* kListAndWatchPath = "/v1beta1.DevicePlugin/ListAndWatch";

std::string RandomBytes(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(count, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

std::string Preface() { return std::string(kHttp2Preface) + SettingsWithWindow(65535); }

// Byte sequences no kubelet sends, each on its own connection.
std::vector<std::pair<std::string, std::string>> BadConnections() {
  const std::string garbage_hpack = Frame(FrameType::kHeaders, kEndHeaders, 1, RandomBytes(64, 7));
  return {
      {"random bytes", RandomBytes(4096, 1)},
      {"HTTP/1.1", "GET / HTTP/1.1\r\nHost: plugin\r\n\r\n"},
      {"half a preface", std::string(kHttp2Preface).substr(0, 10)},
      {"truncated SETTINGS",
       std::string(kHttp2Preface) + Frame(FrameType::kSettings, 0, 0, "abc", 18)},
      {"16 MiB frame header", Preface() + Frame(FrameType::kData, 0, 1, "x", 0xffffff)},
      {"garbage HPACK", Preface() + garbage_hpack},
      {"DATA on stream 0", Preface() + Frame(FrameType::kData, 0, 0, "data")},
      {"headers, no body", Preface() + GrpcHeaders(1, kAllocatePath)},
      {"truncated gRPC message",
       Preface() + GrpcHeaders(1, kAllocatePath) +
           Frame(FrameType::kData, kEndStream, 1, GrpcMessage(RandomBytes(10, 2), 1000))},
      {"4 GiB gRPC message",
       Preface() + GrpcHeaders(1, kAllocatePath) +
           Frame(FrameType::kData, 0, 1, GrpcMessage(RandomBytes(100, 3), 0xffffffffu))},
      {"garbage protobuf",
       Preface() + GrpcHeaders(1, kAllocatePath) +
           Frame(FrameType::kData, kEndStream, 1, GrpcMessage(std::string(16, '\xff')))},
  };
}

grpc::Status RawUnaryCall(const std::string& socket, const std::string& method,
                          const std::string& bytes) {
  auto channel = emulator::DialPlugin(socket, emulator::kKubeletMaxReceiveBytes);
  if (!channel.ok()) return grpc::Status(grpc::StatusCode::UNKNOWN, "dial failed");
  grpc::GenericStub stub(*channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  auto call = stub.PrepareUnaryCall(&context, method, request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

bool AllocateWorks(NodeHarness& node, const std::string& id) {
  auto response = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({{id}}));
  return response.ok() && response->container_responses_size() == 1;
}

TEST(BadTrafficTest, GarbageAndTruncatedFramesLeaveThePluginServingAndLeakNothing) {
  NodeHarness node("numa=1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  const std::string id = HealthyIds(*view, 1).at(0);
  ASSERT_TRUE(AllocateWorks(node, id));
  const int fds_before = OpenFdCount(node.plugin().pid());
  for (int round = 0; round < 3; ++round) {
    std::vector<std::unique_ptr<RawClient>> held;
    for (const auto& [what, bytes] : BadConnections()) {
      auto client = std::make_unique<RawClient>(node.socket_path());
      ASSERT_TRUE(client->ok()) << what;
      client->Send(bytes);  // the plugin may hang up half-way: fine
      client->ReadFor(20);
      // Every other one stays open without a word more while the kubelet goes on.
      if (held.size() % 2 == 0) held.push_back(std::move(client));
      ASSERT_TRUE(AllocateWorks(node, id)) << "after " << what << "\n" << node.Log();
      ASSERT_FALSE(node.plugin().ExitCode().has_value()) << what << "\n" << node.Log();
    }
  }
  EXPECT_TRUE(node.kubelet().Resource(kEpcResource)->stream_open);
  // Every connection above is closed now; so must the plugin's side be.
  EXPECT_TRUE(Eventually([&] { return OpenFdCount(node.plugin().pid()) <= fds_before; },
                         std::chrono::seconds(5)))
      << "fds " << fds_before << " -> " << OpenFdCount(node.plugin().pid());
  // A clean stop; in the ASan build LeakSanitizer checks the plugin's heap at this exit.
  EXPECT_EQ(node.plugin().SignalAndWait(SIGTERM, std::chrono::seconds(5)), 0) << node.Log();
}

TEST(BadTrafficTest, MalformedCallsGetPreciseCodes) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  // An undecodable request never reaches the plugin's code: gRPC's completion-queue server refuses
  // it with INTERNAL.
  grpc::Status garbage = RawUnaryCall(node.socket_path(), kAllocatePath, std::string(16, '\xff'));
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INTERNAL) << garbage.error_message();
  grpc::Status unknown = RawUnaryCall(node.socket_path(), "/v1beta1.DevicePlugin/NoSuch", "");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED) << unknown.error_message();
  grpc::Status other = RawUnaryCall(node.socket_path(), "/v1beta1.Registration/Register", "");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::UNIMPLEMENTED) << other.error_message();
  // An empty message is a valid, empty AllocateRequest: refused by the plugin, not by gRPC.
  grpc::Status empty = RawUnaryCall(node.socket_path(), kAllocatePath, "");
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("no container requests"));
  EXPECT_EQ(node.plugin().SignalAndWait(SIGTERM, std::chrono::seconds(5)), 0) << node.Log();
}

// A ListAndWatch stream whose window is zero: the plugin can never write to it.
std::unique_ptr<RawClient> StuckListAndWatch(const std::string& socket) {
  auto client = std::make_unique<RawClient>(socket);
  client->Send(std::string(kHttp2Preface) + SettingsWithWindow(0) +
               GrpcHeaders(1, kListAndWatchPath) +
               Frame(FrameType::kData, kEndStream, 1, GrpcMessage("")));
  return client;
}

TEST(BadTrafficTest, StuckListAndWatchClientsBlockNeitherAllocateNorOtherStreams) {
  NodeHarness node("numa=4GiB,4GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  const std::string id = HealthyIds(*view, 1).at(0);
  std::vector<std::unique_ptr<RawClient>> stuck;
  for (int i = 0; i < 3; ++i) stuck.push_back(StuckListAndWatch(node.socket_path()));
  // The kubelet's stream and the three stuck ones are open at the plugin.
  const std::string open_streams = "tee_device_plugin_list_and_watch_streams_open{resource=\"" +
                                   std::string(kEpcResource) + "\"}";
  ASSERT_TRUE(Eventually([&] { return node.Metric(open_streams) == 4; })) << node.Log();
  // Several changes while the stuck streams hold their first list unsent.
  const std::string enclave = node.root() + "/dev/sgx_enclave";
  for (int round = 0; round < 3; ++round) {
    auto changed_at = Clock::now();
    std::filesystem::remove(enclave);
    ASSERT_TRUE(node.WaitFor([](const auto& v) { return v.HealthyCount() == 0; })) << node.Log();
    ExpectFollowedWithinBound(Clock::now() - changed_at, "the kubelet's stream beside stuck ones");
    std::ofstream(enclave).put('\n');
    ASSERT_TRUE(node.WaitFor([](const auto& v) { return v.HealthyCount() == 8192; }));
    EXPECT_TRUE(AllocateWorks(node, id));
  }
  auto stub = node.kubelet().GetDevicePluginOptions(kEpcResource);
  EXPECT_TRUE(stub.ok()) << stub.status();
  // And it still stops: stuck streams, which never end by themselves, are cancelled.
  auto code = node.plugin().SignalAndWait(SIGTERM, kWait);
  ASSERT_TRUE(code.has_value()) << "did not stop\n" << node.Log();
  EXPECT_FALSE(std::filesystem::exists(node.socket_path()));
}

TEST(BadTrafficTest, AllocateEdgeCasesGetPreciseCodesAndMessages) {
  NodeHarness node("numa=1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::vector<std::string> all = HealthyIds(*view, 1024);
  ASSERT_EQ(all.size(), 1024u);
  const int fds_before = OpenFdCount(node.plugin().pid());
  const long rss_before = RssKib(node.plugin().pid());
  struct Case {
    std::string what;
    v1beta1::AllocateRequest request;
    std::string says;
  };
  std::vector<std::string> too_many = all;
  too_many.push_back("sg");  // the 1025th unit of a 1024-unit node
  std::vector<std::vector<std::string>> with_empty = {{all[0]}, {}};
  std::vector<Case> cases = {
      {"no container requests", MakeAllocateRequest({}), "no container requests"},
      {"an empty container request", MakeAllocateRequest(with_empty),
       "container request 1: container request holds no device IDs"},
      {"more than the node", MakeAllocateRequest({too_many}), "unknown device ID \"sg\""},
      {"the whole node twice", MakeAllocateRequest({{all.begin(), all.end()}, too_many}),
       "container request 1: unknown device ID \"sg\""},
      {"one ID 10,000 times", MakeAllocateRequest({std::vector<std::string>(10000, all[5])}),
       "duplicate device ID \"" + all[5] + "\""},
  };
  for (int repeat = 0; repeat < 50; ++repeat) {
    for (const Case& c : cases) {
      auto response = node.kubelet().Allocate(kEpcResource, c.request);
      ASSERT_FALSE(response.ok()) << c.what;
      EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << c.what;
      EXPECT_THAT(std::string(response.status().message()), HasSubstr(c.says)) << c.what;
    }
  }
  // Ten containers at once, and the whole node in one container, are fine.
  std::vector<std::vector<std::string>> ten;
  for (int i = 0; i < 10; ++i) ten.emplace_back(all.begin() + i * 100, all.begin() + i * 100 + 100);
  auto response = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest(ten));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->container_responses_size(), 10);
  EXPECT_TRUE(node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({all})).ok());
  EXPECT_LE(OpenFdCount(node.plugin().pid()), fds_before);
  if (kRssMeaningful) {
    EXPECT_LE(RssKib(node.plugin().pid()) - rss_before, 4096) << "250 refused requests";
  }
  EXPECT_EQ(node.plugin().SignalAndWait(SIGTERM, std::chrono::seconds(5)), 0) << node.Log();
}

TEST(BadTrafficTest, PreferredAllocationEdgeCasesGetPreciseMessages) {
  NodeHarness node("numa=1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::vector<std::string> all = HealthyIds(*view, 1024);
  auto request = [&](std::vector<std::string> available, std::vector<std::string> must,
                     int32_t size) {
    v1beta1::PreferredAllocationRequest out;
    auto* container = out.add_container_requests();
    for (const auto& id : available) container->add_available_deviceids(id);
    for (const auto& id : must) container->add_must_include_deviceids(id);
    container->set_allocation_size(size);
    return out;
  };
  struct Case {
    v1beta1::PreferredAllocationRequest request;
    std::string says;
  };
  std::vector<Case> cases = {
      {request(all, {}, 2000), "allocation size 2000 exceeds"},
      {request(all, {}, 0), "allocation size 0 is below 1"},
      {request(all, {}, -5), "allocation size -5 is below 1"},
      {request({"0", "1"}, {"2"}, 2), "must-include"},
      {request({"0", "1", "0"}, {}, 1), "duplicate device ID \"0\""},
      {request({"0", "\xc3\x28"}, {}, 1), "unknown device ID"},
  };
  for (const Case& c : cases) {
    auto response = node.kubelet().GetPreferredAllocation(kEpcResource, c.request);
    ASSERT_FALSE(response.ok()) << c.says;
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << c.says;
    EXPECT_THAT(std::string(response.status().message()), HasSubstr(c.says));
  }
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

}  // namespace
}  // namespace teedp::testing
