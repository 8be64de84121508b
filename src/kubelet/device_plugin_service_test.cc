// The DevicePlugin service over a real unix socket: streams, updates, slow readers, Allocate.
#include "kubelet/device_plugin_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "kubelet/plugin_server.h"
#include "kubelet/snapshot_store.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace teedp::kubelet {
namespace {

std::shared_ptr<const resources::ResourcePlan> MakePlan(uint32_t units, bool healthy) {
  auto plan = std::make_shared<resources::ResourcePlan>();
  plan->resource_name = "example.com/epc";
  plan->unit_count = units;
  plan->blocks = {{0, 0, units / 2}, {1, units / 2, units - units / 2}};
  plan->has_topology = true;
  plan->healthy = healthy;
  plan->health_reason = healthy ? "" : "gone";
  plan->container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  return plan;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SnapshotStore>(MakeSnapshot(1, MakePlan(64, true)));
    auto server = PluginServer::Start(dir_ + "/epc.sock", store_.get(), &counters_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::milliseconds(100));
    EXPECT_TRUE(store_->WaitForNoWatchers(absl::Seconds(5)));
  }
  // Each stub gets its own connection, so one stalled stream cannot hold up another's transport.
  std::unique_ptr<v1beta1::DevicePlugin::Stub> NewStub() {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return v1beta1::DevicePlugin::NewStub(grpc::CreateCustomChannel(
        "unix://" + dir_ + "/epc.sock", grpc::InsecureChannelCredentials(), arguments));
  }

  testing::TempDir temp_dir_;
  const std::string dir_ = temp_dir_.path();
  std::unique_ptr<SnapshotStore> store_;
  ServiceCounters counters_;
  std::unique_ptr<PluginServer> server_;
};

TEST_F(ServiceTest, ListAndWatchSendsTheListAtOnceAndEveryChangeToEveryStream) {
  auto stub = NewStub();
  grpc::ClientContext first_context, second_context;
  auto first = stub->ListAndWatch(&first_context, v1beta1::Empty());
  auto second = stub->ListAndWatch(&second_context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(first->Read(&message));
  EXPECT_EQ(message.devices_size(), 64);
  EXPECT_EQ(message.devices(0).health(), "Healthy");
  ASSERT_TRUE(second->Read(&message));
  store_->Publish(MakeSnapshot(2, MakePlan(64, false)));
  for (auto* stream : {first.get(), second.get()}) {
    ASSERT_TRUE(stream->Read(&message));
    EXPECT_EQ(message.devices(63).health(), "Unhealthy");
  }
  first_context.TryCancel();
  second_context.TryCancel();
}

TEST_F(ServiceTest, AStreamThatNeverReadsBlocksNeitherUpdatesNorAllocate) {
  // Big enough (about 3 MB, under the 4 MiB receive limit) that the write cannot complete into
  // the transport's buffers while nobody reads.
  constexpr uint32_t kUnits = 140000;
  store_->Publish(MakeSnapshot(2, MakePlan(kUnits, true)));
  auto stuck_stub = NewStub();
  auto stub = NewStub();
  grpc::ClientContext stuck_context, reader_context;
  auto stuck = stuck_stub->ListAndWatch(&stuck_context, v1beta1::Empty());
  auto reader = stub->ListAndWatch(&reader_context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(reader->Read(&message));
  for (uint64_t version = 3; version <= 9; ++version) {
    store_->Publish(MakeSnapshot(version, MakePlan(kUnits, version % 2 == 0)));
  }
  // The last version has one unit fewer, so the reader can tell it from every earlier one.
  store_->Publish(MakeSnapshot(10, MakePlan(kUnits - 1, true)));
  int reads = 0;
  while (reader->Read(&message) && message.devices_size() != static_cast<int>(kUnits - 1)) {
    ++reads;
  }
  EXPECT_EQ(message.devices_size(), static_cast<int>(kUnits - 1)) << "the reader gets the latest";
  EXPECT_EQ(message.devices(0).health(), "Healthy");
  EXPECT_LE(reads, 7) << "intermediate versions are skipped or sent, never repeated";
  grpc::ClientContext allocate_context;
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("0");
  v1beta1::AllocateResponse response;
  allocate_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  EXPECT_TRUE(stub->Allocate(&allocate_context, request, &response).ok());
  stuck_context.TryCancel();
  reader_context.TryCancel();
}

TEST_F(ServiceTest, OptionsOfferPreferredAllocationWithoutPreStart) {
  auto stub = NewStub();
  grpc::ClientContext context;
  v1beta1::DevicePluginOptions options;
  ASSERT_TRUE(stub->GetDevicePluginOptions(&context, v1beta1::Empty(), &options).ok());
  EXPECT_TRUE(options.get_preferred_allocation_available());
  EXPECT_FALSE(options.pre_start_required());
}

TEST_F(ServiceTest, AllocateWithUnknownIdIsInvalidArgumentAndCounted) {
  auto stub = NewStub();
  grpc::ClientContext context;
  v1beta1::AllocateRequest request;
  request.add_container_requests()->add_devices_ids("nope");
  v1beta1::AllocateResponse response;
  grpc::Status status = stub->Allocate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("nope"), std::string::npos);
  RpcCounts counts = counters_.Read(Rpc::kAllocate);
  EXPECT_EQ(counts.calls(), 1u);
  EXPECT_EQ(counts.by_code[static_cast<size_t>(grpc::StatusCode::INVALID_ARGUMENT)], 1u);
}

TEST_F(ServiceTest, ShutdownEndsOpenStreamsPromptly) {
  auto stub = NewStub();
  grpc::ClientContext context;
  auto stream = stub->ListAndWatch(&context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(stream->Read(&message));
  // The stream never ends by itself: Shutdown returns only because it cancels it after the grace.
  server_->Shutdown(std::chrono::milliseconds(50));
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_FALSE(stream->Finish().ok()) << "ended by the server, not completed";
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/epc.sock"));
}

TEST_F(ServiceTest, AStreamIsCountedOpenThenClosedAsCancelledWhenTheKubeletLeaves) {
  auto stub = NewStub();
  grpc::ClientContext context;
  auto stream = stub->ListAndWatch(&context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(stream->Read(&message));
  EXPECT_EQ(counters_.streams_opened(), 1u);
  EXPECT_EQ(counters_.streams_open(), 1u);
  context.TryCancel();
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_TRUE(store_->WaitForNoWatchers(absl::Seconds(5)));
  // The stream lets go of the store just before it is counted closed.
  testing::Eventually([this] { return counters_.streams_open() == 0; });
  EXPECT_EQ(counters_.streams_open(), 0u);
  RpcCounts counts = counters_.Read(Rpc::kListAndWatch);
  EXPECT_EQ(counts.calls(), 1u);
  EXPECT_EQ(counts.by_code[static_cast<size_t>(grpc::StatusCode::CANCELLED)], 1u);
}

TEST_F(ServiceTest, ConcurrentAllocatesAreEachAnsweredAndCounted) {
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, &ok, t] {
      auto stub = NewStub();
      for (int i = 0; i < kCallsEach; ++i) {
        grpc::ClientContext context;
        v1beta1::AllocateRequest request;
        request.add_container_requests()->add_devices_ids(
            std::to_string((t * kCallsEach + i) % 10));
        v1beta1::AllocateResponse response;
        if (stub->Allocate(&context, request, &response).ok() &&
            response.container_responses_size() == 1) {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kCallsEach);
  EXPECT_EQ(counters_.Read(Rpc::kAllocate).calls(), uint64_t{kThreads * kCallsEach});
}

TEST_F(ServiceTest, AMethodTheServiceDoesNotHaveIsUnimplemented) {
  // The kubelet's Registration service, asked of the plugin's socket by mistake.
  auto stub = v1beta1::Registration::NewStub(
      grpc::CreateChannel("unix://" + dir_ + "/epc.sock", grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1beta1::Empty response;
  grpc::Status status = stub->Register(&context, v1beta1::RegisterRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ServiceTest, ShutdownWhilePublishingEndsCleanly) {
  auto stub = NewStub();
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1beta1::ListAndWatchResponse>>> streams;
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    streams.push_back(stub->ListAndWatch(contexts.back().get(), v1beta1::Empty()));
    v1beta1::ListAndWatchResponse message;
    ASSERT_TRUE(streams.back()->Read(&message));
  }
  // Streams start writes from the publisher's thread; none may start once the queue shuts down.
  std::atomic<bool> stop{false};
  std::atomic<int> published{0};
  std::thread publisher([this, &stop, &published] {
    for (uint64_t version = 2; !stop.load(); ++version) {
      store_->Publish(MakeSnapshot(version, MakePlan(64, version % 2 == 0)));
      published.fetch_add(1);
    }
  });
  EXPECT_TRUE(testing::Eventually([&] { return published.load() >= 20; }));  // mid-publishing
  server_->Shutdown(std::chrono::milliseconds(10));
  stop.store(true);
  publisher.join();
  EXPECT_TRUE(store_->WaitForNoWatchers(absl::Seconds(5)));
  EXPECT_EQ(counters_.streams_open(), 0u);
  for (auto& context : contexts) context->TryCancel();
}

TEST_F(ServiceTest, SecondServerOnALiveSocketIsRefused) {
  ServiceCounters other;
  auto second = PluginServer::Start(dir_ + "/epc.sock", store_.get(), &other);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace teedp::kubelet
