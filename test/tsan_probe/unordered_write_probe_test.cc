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

TEST(TsanProbeTest, AnUnorderedWriteFromThePublisherIsReported) {
  char path[] = "/tmp/probe-XXXXXX";
  ASSERT_NE(mkdtemp(path), nullptr);
  const std::string dir = path;
  SnapshotStore store(Snapshot(1, true));
  ServiceCounters counters;
  auto server = PluginServer::Start(dir + "/epc.sock", &store, &counters);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1beta1::DevicePlugin::NewStub(
      grpc::CreateChannel("unix://" + dir + "/epc.sock", grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = stub->ListAndWatch(&context, v1beta1::Empty());
  v1beta1::ListAndWatchResponse message;
  ASSERT_TRUE(stream->Read(&message));  // written by the queue thread
  // The probe's write, from this thread: TSan reports it and ends the process here.
  store.Publish(Snapshot(2, false));
  ASSERT_TRUE(stream->Read(&message));
  EXPECT_EQ(message.devices(0).health(), "Unhealthy");
  context.TryCancel();
  (*server)->Shutdown(std::chrono::milliseconds(0));
  EXPECT_TRUE(store.WaitForNoWatchers(absl::Seconds(5)));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace teedp::kubelet
