// Device nodes and sysfs changing under a running plugin: health, topology and the device specs
// Allocate hands out follow the host (how fast is judged by scripts/soak.sh, TEE_FOLLOW_WITHIN_MS),
// and absurd values never crash it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Specs = std::set<std::pair<std::string, std::string>>;

void Touch(const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path).put('\n');
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Waits for `pred` on the kubelet's view and returns how long that took after `since`.
std::optional<std::chrono::milliseconds> TimeUntil(
    NodeHarness& node, Clock::time_point since,
    const std::function<bool(const emulator::ResourceView&)>& pred) {
  if (!node.WaitFor(pred)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
}

Specs AllocatedSpecs(NodeHarness& node, const std::string& id) {
  auto response = node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({{id}}));
  if (!response.ok() || response->container_responses_size() != 1) return {};
  Specs specs;
  for (const auto& device : response->container_responses(0).devices()) {
    specs.insert({device.container_path(), device.host_path()});
  }
  return specs;
}

bool AllHealthy(const emulator::ResourceView& view, size_t count) {
  return view.devices.size() == count && view.HealthyCount() == static_cast<int>(count);
}

bool NoneHealthy(const emulator::ResourceView& view) {
  return !view.devices.empty() && view.HealthyCount() == 0;
}

TEST(HealthTest, EnclaveNodeRemovedAndRestoredIsFollowed) {
  NodeHarness node("numa=1GiB driver=in-kernel");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  const std::string enclave = node.root() + "/dev/sgx_enclave";
  for (int round = 0; round < 3; ++round) {
    auto removed_at = Clock::now();
    ASSERT_TRUE(std::filesystem::remove(enclave));
    auto unhealthy = TimeUntil(node, removed_at, NoneHealthy);
    ASSERT_TRUE(unhealthy) << node.Log();
    ExpectFollowedWithinBound(*unhealthy, "round " + std::to_string(round));
    EXPECT_EQ(node.kubelet().Resource(kEpcResource)->devices.size(), 1024u)
        << "devices stay, only their health changes";
    auto restored_at = Clock::now();
    Touch(enclave);
    auto healthy =
        TimeUntil(node, restored_at, [](const auto& view) { return AllHealthy(view, 1024); });
    ASSERT_TRUE(healthy) << node.Log();
    ExpectFollowedWithinBound(*healthy, "round " + std::to_string(round));
  }
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(HealthTest, DriverSwappedBetweenInKernelAndDcapChangesTheDeviceSpecs) {
  NodeHarness node("numa=1GiB driver=in-kernel");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  const std::string id = HealthyIds(*view, 1).at(0);
  const std::string dev = node.root() + "/dev";
  const Specs in_kernel = {{"/dev/sgx_enclave", "/dev/sgx_enclave"},
                           {"/dev/sgx_provision", "/dev/sgx_provision"},
                           {"/dev/sgx/enclave", "/dev/sgx_enclave"},
                           {"/dev/sgx/provision", "/dev/sgx_provision"}};
  const Specs dcap = {{"/dev/sgx/enclave", "/dev/sgx/enclave"},
                      {"/dev/sgx/provision", "/dev/sgx/provision"}};
  ASSERT_EQ(AllocatedSpecs(node, id), in_kernel);
  for (int round = 0; round < 2; ++round) {
    // In-kernel -> DCAP: the DCAP nodes appear first, then the flat ones go.
    auto swapped_at = Clock::now();
    Touch(dev + "/sgx/enclave");
    Touch(dev + "/sgx/provision");
    std::filesystem::remove(dev + "/sgx_enclave");
    std::filesystem::remove(dev + "/sgx_provision");
    ASSERT_TRUE(Eventually([&] { return AllocatedSpecs(node, id) == dcap; }, kWait)) << node.Log();
    ExpectFollowedWithinBound(Clock::now() - swapped_at, "to DCAP, round " + std::to_string(round));
    // And back, the other way round: the DCAP folder goes whole.
    swapped_at = Clock::now();
    Touch(dev + "/sgx_enclave");
    Touch(dev + "/sgx_provision");
    std::filesystem::remove_all(dev + "/sgx");
    ASSERT_TRUE(Eventually([&] { return AllocatedSpecs(node, id) == in_kernel; }, kWait))
        << node.Log();
    ExpectFollowedWithinBound(Clock::now() - swapped_at,
                              "to in-kernel, round " + std::to_string(round));
  }
  EXPECT_TRUE(AllHealthy(*node.kubelet().Resource(kEpcResource), 1024));
}

TEST(HealthTest, SysfsFileDisappearingFallsBackToOnePoolAndComesBack) {
  NodeHarness node("numa=1GiB,1GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  ASSERT_EQ(view->devices.size(), 2048u);
  ASSERT_EQ(view->devices.back().numa_nodes, std::vector<int64_t>{1});
  const std::string sysfs = node.root() + "/sys/devices/system/node/node1/x86/sgx_total_bytes";
  std::string saved;
  std::getline(std::ifstream(sysfs), saved);
  auto removed_at = Clock::now();
  ASSERT_TRUE(std::filesystem::remove(sysfs));
  // One node unreadable while CPUID knows the total: all EPC as one pool, no topology, and
  // never fewer devices than the node has.
  auto pooled = TimeUntil(node, removed_at, [](const emulator::ResourceView& v) {
    return v.devices.size() == 2048u && v.devices.back().numa_nodes.empty();
  });
  ASSERT_TRUE(pooled) << node.Log();
  ExpectFollowedWithinBound(*pooled, "to one pool");
  auto restored_at = Clock::now();
  WriteText(sysfs, saved + "\n");
  auto back = TimeUntil(node, restored_at, [](const emulator::ResourceView& v) {
    return v.devices.size() == 2048u && v.devices.back().numa_nodes == std::vector<int64_t>{1};
  });
  ASSERT_TRUE(back) << node.Log();
  ExpectFollowedWithinBound(*back, "back to two nodes");
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(HealthTest, AbsurdSysfsValuesNeverCrashAndNeverOvercount) {
  NodeHarness node("numa=1GiB,1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  const std::string sysfs = node.root() + "/sys/devices/system/node/node1/x86/sgx_total_bytes";
  for (const std::string& value : std::vector<std::string>{
           "-1", "18446744073709551616", "99999999999999999999999999", "lots", "", "0x40000000",
           std::string("\0\0\0", 3), "1073741824 1073741824", "1e9", std::string(5000, '9')}) {
    WriteText(sysfs, value);
    // Each bad value: at most the node's real EPC, all in one pool, the plugin alive.
    ASSERT_TRUE(node.WaitFor([](const emulator::ResourceView& v) {
      return !v.devices.empty() && v.devices.back().numa_nodes.empty();
    })) << "value '"
        << value.substr(0, 40) << "'\n"
        << node.Log();
    EXPECT_LE(node.kubelet().Resource(kEpcResource)->devices.size(), 2048u);
    ASSERT_FALSE(node.plugin().ExitCode().has_value()) << value.substr(0, 40) << "\n" << node.Log();
    WriteText(sysfs, "1073741824\n");
    ASSERT_TRUE(node.WaitFor([](const emulator::ResourceView& v) {
      return v.devices.size() == 2048u && !v.devices.back().numa_nodes.empty();
    })) << node.Log();
  }
  EXPECT_THAT(node.Log(), ::testing::HasSubstr("node1/x86/sgx_total_bytes"))
      << "the log names the file that was bad";
}

}  // namespace
}  // namespace teedp::testing
