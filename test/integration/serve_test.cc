// The real binary against the kubelet emulator: registration, ListAndWatch, SIGTERM, kubelet
// absent at start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <optional>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

TEST(ServeTest, RegistersWithTheKubeletAsTheApiRequires) {
  NodeHarness node;
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  EXPECT_EQ(view->endpoint, kEpcSocket);  // a file name, not a path
  EXPECT_TRUE(view->options.get_preferred_allocation_available());
  EXPECT_FALSE(view->options.pre_start_required());
  EXPECT_TRUE(std::filesystem::exists(node.plugin_dir() + "/" + kEpcSocket));
  auto options = node.kubelet().GetDevicePluginOptions(kEpcResource);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->get_preferred_allocation_available());
}

// Start-up maps most of the binary's code (fault-around maps the pages beside each one run); once
// registered the plugin lets those pages go (app/text_pages.h) and maps again only what it runs.
// Measured on the 6.4 MiB of code of the static binary: 84 % resident without the release,
// 54 to 56 % with it (what serving maps back), so two thirds tells them apart.
TEST(ServeTest, LetsGoOfTheStartUpCodeOnceRegistered) {
  // A sanitizer's instrumented code, run after the release, maps back more than half of it.
  if (!kRssMeaningful) GTEST_SKIP() << "RSS says nothing under a sanitizer";
  NodeHarness node;
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  std::optional<MappedKib> code;
  EXPECT_TRUE(Eventually([&] {
    code = ExecutableCodeKib(node.plugin().pid());
    return code && code->rss * 3 < code->size * 2;
  })) << "code mapped: "
      << (code ? code->size : -1) << " KiB, resident: " << (code ? code->rss : -1) << " KiB";
}

TEST(ServeTest, AdvertisesOneHealthyDevicePerMibWithItsNumaNode) {
  NodeHarness node("numa=4GiB,4GiB driver=in-kernel");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  ASSERT_EQ(view->devices.size(), 8192u);
  EXPECT_EQ(view->HealthyCount(), 8192);
  std::map<int64_t, int> per_node;
  std::set<std::string> ids;
  for (const auto& device : view->devices) {
    ASSERT_EQ(device.numa_nodes.size(), 1u) << device.id;
    per_node[device.numa_nodes[0]]++;
    ids.insert(device.id);
    EXPECT_LE(device.id.size(), 4u) << "IDs stay short";
  }
  EXPECT_EQ(ids.size(), 8192u) << "IDs are unique";
  EXPECT_EQ(per_node, (std::map<int64_t, int>{{0, 4096}, {1, 4096}}));
}

TEST(ServeTest, KeepsTheSameDeviceIdsAcrossPluginRestarts) {
  NodeHarness node;
  auto first = node.WaitRegistered();
  ASSERT_TRUE(first) << node.Log();
  ASSERT_EQ(node.plugin().SignalAndWait(SIGKILL, kWait), 128 + SIGKILL);
  PluginProcess again({"--plugin-dir", node.plugin_dir(), "--host-root", node.root(),
                       "--cpuid-dump", node.root() + "/cpuid.txt"},
                      node.plugin_dir() + "/..");
  auto second = node.WaitRegistered(2);
  ASSERT_TRUE(second) << again.Log();
  EXPECT_EQ(first->devices, second->devices);
}

TEST(ServeTest, WithoutSysfsNumaAllEpcIsOneNodeWithoutTopology) {
  NodeHarness node("numa=1GiB,1GiB sysfs=off");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  ASSERT_EQ(view->devices.size(), 2048u);
  for (const auto& device : view->devices) EXPECT_TRUE(device.numa_nodes.empty()) << device.id;
}

TEST(ServeTest, SgxDisabledInBiosAdvertisesNoUsableDevicesAndStaysUp) {
  NodeHarness node("numa=1GiB sgx=off");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  EXPECT_EQ(view->HealthyCount(), 0);
  EXPECT_FALSE(node.plugin().ExitCode().has_value()) << "never crash-loop";
}

TEST(ServeTest, StartsBeforeTheKubeletAndRegistersWhenItAppears) {
  NodeHarness node("numa=1GiB", {}, /*start_kubelet=*/false);
  // Serving without a kubelet: the socket is there and the plugin says it waits.
  ASSERT_TRUE(Eventually([&] {
    return std::filesystem::exists(node.socket_path()) || node.plugin().ExitCode().has_value();
  })) << node.Log();
  ASSERT_FALSE(node.plugin().ExitCode().has_value()) << node.Log();
  EXPECT_TRUE(std::filesystem::exists(node.socket_path())) << node.Log();
  node.StartKubelet();
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
}

TEST(ServeTest, SigtermAndSigintStopCleanlyAndRemoveTheSocket) {
  for (int signal : {SIGTERM, SIGINT}) {
    NodeHarness node("numa=1GiB");
    ASSERT_TRUE(node.WaitRegistered()) << node.Log();
    EXPECT_EQ(node.plugin().SignalAndWait(signal, kWait), 0) << node.Log();
    EXPECT_FALSE(std::filesystem::exists(node.plugin_dir() + "/" + kEpcSocket));
    auto view = node.kubelet().WaitFor(
        kEpcResource, [](const emulator::ResourceView& v) { return !v.stream_open; }, kWait);
    EXPECT_TRUE(view) << "the kubelet sees the stream end";
  }
}

TEST(ServeTest, RefusesToStartWhenAnotherInstanceServesTheSocket) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  TempDir logs;
  PluginProcess second({"--plugin-dir", node.plugin_dir(), "--host-root", node.root(),
                        "--cpuid-dump", node.root() + "/cpuid.txt"},
                       logs.path());
  auto code = second.SignalAndWait(0, kWait);
  ASSERT_TRUE(code.has_value()) << second.Log();
  EXPECT_NE(*code, 0);
  EXPECT_THAT(second.Log(), HasSubstr("another process already serves"));
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(ServeTest, RemovesAStaleSocketFileFromAnEarlierRun) {
  TempDir dir;
  std::string plugin_dir = dir.path() + "/dp";
  std::filesystem::create_directories(plugin_dir);
  {
    NodeHarness first("numa=1GiB");
    ASSERT_TRUE(first.WaitRegistered());
    ASSERT_EQ(first.plugin().SignalAndWait(SIGKILL, kWait), 128 + SIGKILL);
    // SIGKILL leaves the socket file behind; a new plugin must take it over.
    ASSERT_TRUE(std::filesystem::exists(first.plugin_dir() + "/" + kEpcSocket));
    PluginProcess again({"--plugin-dir", first.plugin_dir(), "--host-root", first.root(),
                         "--cpuid-dump", first.root() + "/cpuid.txt"},
                        dir.path());
    EXPECT_TRUE(first.WaitRegistered(2)) << again.Log();
  }
}

}  // namespace
}  // namespace teedp::testing
