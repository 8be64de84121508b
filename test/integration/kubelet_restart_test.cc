// Kubelet restarts and device-node changes: the plugin re-registers and health follows the host.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "plugin_process.h"

namespace tee::testing {
namespace {

TEST(KubeletRestartTest, ReRegistersAfterEachOfTwentyRestarts) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  for (int cycle = 1; cycle <= 20; ++cycle) {
    ASSERT_TRUE(node.kubelet().Restart().ok());
    ASSERT_TRUE(node.WaitRegistered(cycle + 1)) << "cycle " << cycle << "\n" << node.Log();
    // Settle, then demand exactly one registration per restart and a healthy stream: a plugin
    // that keeps re-serving (and deleting its own socket) fails here.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto view = node.kubelet().Resource(kEpcResource);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->registrations, cycle + 1) << "cycle " << cycle << "\n" << node.Log();
    EXPECT_TRUE(view->stream_open) << view->stream_error;
    EXPECT_TRUE(std::filesystem::exists(node.plugin_dir() + "/" + kEpcSocket));
    EXPECT_EQ(view->devices.size(), 1024u);
    auto response =
        node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({{view->devices[0].id}}));
    ASSERT_TRUE(response.ok()) << "cycle " << cycle << ": " << response.status();
  }
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(KubeletRestartTest, CheckpointedDevicesStayValidAfterRestart) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  auto first = node.kubelet().AdmitContainer(kEpcResource, "default/a", "main", 4);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(node.kubelet().Restart().ok());
  ASSERT_TRUE(node.WaitRegistered(2)) << node.Log();
  // The kubelet re-allocates checkpointed IDs after a restart; they must still be ours.
  auto again = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({first->device_ids}));
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST(KubeletRestartTest, RemovedEnclaveNodeTurnsDevicesUnhealthyAndBack) {
  NodeHarness node("numa=1GiB driver=in-kernel");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  const std::string enclave = node.root() + "/dev/sgx_enclave";
  ASSERT_TRUE(std::filesystem::remove(enclave));
  auto unhealthy = node.WaitFor(
      [](const emulator::ResourceView& v) { return !v.devices.empty() && v.HealthyCount() == 0; });
  ASSERT_TRUE(unhealthy) << node.Log();
  EXPECT_EQ(unhealthy->devices.size(), 1024u) << "devices stay, only their health changes";
  std::ofstream(enclave).put('\n');
  auto healthy =
      node.WaitFor([](const emulator::ResourceView& v) { return v.HealthyCount() == 1024; });
  ASSERT_TRUE(healthy) << node.Log();
}

TEST(KubeletRestartTest, OwnSocketDeletedIsServedAgain) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  std::filesystem::remove(node.plugin_dir() + "/" + kEpcSocket);
  ASSERT_TRUE(node.WaitRegistered(2)) << node.Log();
  EXPECT_TRUE(std::filesystem::exists(node.plugin_dir() + "/" + kEpcSocket));
}

}  // namespace
}  // namespace tee::testing
