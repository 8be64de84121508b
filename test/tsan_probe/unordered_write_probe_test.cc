// Built only into the TSan tree, with TEE_TSAN_PROBE_UNORDERED_WRITE: the ListAndWatch stream then
// starts its writes from the publisher's thread with nothing ordering them after the queue
// thread's last use of the writer (list_and_watch_stream.cc). CTest passes this test only when
// TSan, reading test/tsan.supp, reports that race: a suppression that hides races in our own
// stream writes makes it fail.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kubelet/plugin_server.h"
#include "kubelet/snapshot_store.h"

namespace teedp::kubelet {
namespace {

std::shared_ptr<const PluginSnapshot> Snapshot(uint64_t version, bool healthy) {
  auto plan = std::make_shared<resources::ResourcePlan>();
  plan->resource_name = "example.com/epc";
  plan->unit_count = 8;
  plan->blocks = {{-1, 0, 8}};
  plan->healthy = healthy;
  return MakeSnapshot(version, std::move(plan));
}

// One stream's race is not always seen: TSan keeps only a few earlier accesses per word, and
// which it meets first varies (the queue thread's finishing of the last write, rightly
// suppressed, or its start of that write, reported). Each round is a new server and stream at
// new addresses (earlier rounds stay alive until the end), a fresh chance; one report ends the
// process.
struct Round {
  std::string dir;
  std::unique_ptr<SnapshotStore> store = std::make_unique<SnapshotStore>(Snapshot(1, true));
  ServiceCounters counters;
  std::unique_ptr<PluginServer> server;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1beta1::ListAndWatchResponse>> stream;
};

void UnorderedWrite(Round* round) {
  char path[] = "/tmp/probe-XXXXXX";
  ASSERT_NE(mkdtemp(path), nullptr);
  round->dir = path;
  auto server = PluginServer::Start(round->dir + "/epc.sock", round->store.get(), &round->counters);
  ASSERT_TRUE(server.ok()) << server.status();
  round->server = std::move(server).value();
  auto stub = v1beta1::DevicePlugin::NewStub(grpc::CreateChannel(
      "unix://" + round->dir + "/epc.sock", grpc::InsecureChannelCredentials()));
  round->stream = stub->ListAndWatch(&round->context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(round->stream->Read(&message));  // written by the queue thread
  // The probe's write, from this thread: TSan reports it and ends the process here.
  round->store->Publish(Snapshot(2, false));
  ASSERT_TRUE(round->stream->Read(&message));
  EXPECT_EQ(message.devices(0).health(), "Unhealthy");
}

TEST(TsanProbeTest, AnUnorderedWriteFromThePublisherIsReported) {
  std::vector<std::unique_ptr<Round>> rounds;
  for (int i = 0; i < 16; ++i) {
    rounds.push_back(std::make_unique<Round>());
    UnorderedWrite(rounds.back().get());
  }
  for (auto& round : rounds) {
    round->context.TryCancel();
    round->server->Shutdown(std::chrono::milliseconds(0));
    EXPECT_TRUE(round->store->WaitForNoWatchers(absl::Seconds(5)));
    std::filesystem::remove_all(round->dir);
  }
}

}  // namespace
}  // namespace teedp::kubelet
