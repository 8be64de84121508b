// Compatibility profiles and confidential VM guests through the real binary: which resources each
// profile registers on each kind of simulated host, what Allocate gives, the refusal to count EPC
// twice, --config precedence and errors, and --cdi answers with their spec file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kEnclave = "sgx.intel.com/enclave";
constexpr const char* kProvision = "sgx.intel.com/provision";

std::optional<emulator::ResourceView> WaitListed(NodeHarness& node, const std::string& resource) {
  return node.kubelet().WaitFor(
      resource, [](const emulator::ResourceView& v) { return v.list_and_watch_updates > 0; },
      kWait);
}

// The (container path, host path) pairs and mount paths one container gets for `resource`.
std::vector<std::string> Granted(NodeHarness& node, const std::string& resource,
                                 const emulator::ResourceView& view) {
  auto response = node.kubelet().Allocate(resource, MakeAllocateRequest({HealthyIds(view, 1)}));
  EXPECT_TRUE(response.ok()) << response.status();
  std::vector<std::string> granted;
  if (!response.ok()) return granted;
  for (const auto& device : response->container_responses(0).devices()) {
    granted.push_back(device.container_path() + "=" + device.host_path());
  }
  for (const auto& mount : response->container_responses(0).mounts()) {
    granted.push_back("mount " + mount.host_path());
  }
  return granted;
}

TEST(ProfilesTest, IntelServesEnclaveAndProvisionEachWithOnlyItsNode) {
  NodeHarness node("numa=1GiB driver=in-kernel",
                   {"--profile", "intel", "--enclave-limit", "20", "--provision-limit", "3"});
  auto enclave = WaitListed(node, kEnclave);
  auto provision = WaitListed(node, kProvision);
  ASSERT_TRUE(enclave && provision) << node.Log();
  EXPECT_EQ(enclave->HealthyCount(), 20);
  EXPECT_EQ(provision->HealthyCount(), 3);
  EXPECT_EQ(Granted(node, kEnclave, *enclave),
            std::vector<std::string>{"/dev/sgx_enclave=/dev/sgx_enclave"});
  EXPECT_EQ(Granted(node, kProvision, *provision),
            std::vector<std::string>{"/dev/sgx_provision=/dev/sgx_provision"});
  EXPECT_FALSE(node.kubelet().Resource(kEpcResource)) << "intel counts EPC in bytes, not devices";
}

TEST(ProfilesTest, IntelOnDcapAndLegacyDrivers) {
  NodeHarness dcap("numa=1GiB driver=dcap aesmd=on", {"--profile", "intel"});
  auto enclave = WaitListed(dcap, kEnclave);
  ASSERT_TRUE(enclave) << dcap.Log();
  EXPECT_EQ(
      Granted(dcap, kEnclave, *enclave),
      (std::vector<std::string>{"/dev/sgx/enclave=/dev/sgx/enclave", "mount /var/run/aesmd"}));
  NodeHarness legacy("numa=1GiB driver=legacy", {"--profile", "intel"});
  auto provision = legacy.kubelet().WaitFor(
      kProvision,
      [](const emulator::ResourceView& v) { return !v.devices.empty() && v.HealthyCount() == 0; },
      kWait);
  EXPECT_TRUE(provision) << "the legacy driver has no provisioning node\n" << legacy.Log();
}

TEST(ProfilesTest, AlibabaCountsMiBUnderItsOwnName) {
  NodeHarness node("numa=1GiB", {"--profile", "alibaba"});
  auto view = WaitListed(node, "alibabacloud.com/sgx_epc_MiB");
  ASSERT_TRUE(view) << node.Log();
  EXPECT_EQ(view->HealthyCount(), 1024);
}

struct GuestCase {
  std::string spec;
  std::string resource;
  std::string granted;
};

class GuestTest : public ::testing::TestWithParam<GuestCase> {};

TEST_P(GuestTest, EachGuestInterfaceIsAResourceOfItsOwn) {
  const GuestCase& c = GetParam();
  NodeHarness node(c.spec, {"--guest-limit", "8"});
  auto view = WaitListed(node, c.resource);
  ASSERT_TRUE(view) << node.Log();
  EXPECT_EQ(view->HealthyCount(), 8);
  EXPECT_EQ(Granted(node, c.resource, *view), std::vector<std::string>{c.granted});
  auto epc = WaitListed(node, kEpcResource);
  ASSERT_TRUE(epc) << "the profile's EPC resource is there, empty, on a guest without SGX";
  EXPECT_EQ(epc->HealthyCount(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Guests, GuestTest,
    ::testing::Values(GuestCase{"sgx=absent driver=none guest=tdx", "intel.com/tdx",
                                "/dev/tdx_guest=/dev/tdx_guest"},
                      GuestCase{"sgx=absent driver=none guest=sev-snp", "amd.com/sev-snp",
                                "/dev/sev-guest=/dev/sev-guest"},
                      GuestCase{"sgx=absent driver=none guest=tpm", "tee.dev/tpm",
                                "/dev/tpmrm0=/dev/tpmrm0"},
                      GuestCase{"sgx=absent driver=none guest=tsm-report", "tee.dev/tsm-report",
                                "mount /sys/kernel/config/tsm/report"}),
    // Named after the resource ("sev_snp"): the default name prints the struct's bytes, which
    // hold pointers and so change from one test discovery to the next.
    [](const ::testing::TestParamInfo<GuestCase>& param) {
      std::string name = param.param.resource.substr(param.param.resource.find('/') + 1);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(ProfilesTest, AGuestNodeThatVanishesTurnsUnhealthy) {
  NodeHarness node("sgx=absent driver=none guest=tdx");
  ASSERT_TRUE(WaitListed(node, "intel.com/tdx")) << node.Log();
  std::filesystem::remove(node.root() + "/dev/tdx_guest");
  auto gone = node.kubelet().WaitFor(
      "intel.com/tdx", [](const emulator::ResourceView& v) { return v.HealthyCount() == 0; },
      kWait);
  EXPECT_TRUE(gone) << node.Log();
}

TEST(ProfilesTest, NothingConfidentialServesOnlyTheEmptyEpcResource) {
  NodeHarness node("sgx=absent driver=none");
  auto epc = WaitListed(node, kEpcResource);
  ASSERT_TRUE(epc) << node.Log();
  EXPECT_TRUE(epc->devices.empty());
  for (const char* guest : {"intel.com/tdx", "amd.com/sev-snp", "tee.dev/tpm"}) {
    EXPECT_FALSE(node.kubelet().Resource(guest)) << guest;
  }
}

TEST(ProfilesTest, CountingEpcTwiceIsAUsageError) {
  CommandResult both = RunBinary({"serve", "--profile", "intel", "--epc-resource",
                                  "example.com/sgx_epc_mem_in_MiB", "--plugin-dir", "/tmp"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("would count EPC twice"));
  CommandResult registered = RunBinary({"serve", "--register-epc", "--plugin-dir", "/tmp"});
  EXPECT_EQ(registered.exit_code, 2);
  EXPECT_THAT(registered.err, HasSubstr("--register-epc with --profile azure"));
}

TEST(ProfilesTest, RegisterEpcOutsideAClusterIsAUsageErrorThatSaysWhy) {
  TempDir dir;
  auto node = hw::ParseSimulatedNodeSpec("numa=1GiB");
  ASSERT_TRUE(node.ok() && hw::WriteSimulatedNode(dir.path(), *node).ok());
  unsetenv("KUBERNETES_SERVICE_HOST");
  CommandResult result =
      RunBinary({"serve", "--profile", "intel", "--register-epc", "--host-root", dir.path(),
                 "--cpuid-dump", dir.path() + "/cpuid.txt", "--plugin-dir", dir.path(),
                 "--metrics-address", "", "--nfd-features-dir", ""});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--register-epc: not running in a cluster"));
}

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("TEE_ENCLAVE_LIMIT"); }
  std::string WriteConfig(const std::string& yaml) {
    const std::string path = config_dir_.path() + "/tee.yaml";
    std::ofstream(path) << yaml;
    return path;
  }
  int EnclaveSlots(const std::vector<std::string>& args) {
    NodeHarness node("numa=1GiB", args);
    auto view = WaitListed(node, kEnclave);
    EXPECT_TRUE(view) << node.Log();
    return view ? view->HealthyCount() : -1;
  }
  TempDir config_dir_;
};

TEST_F(ConfigTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  const std::string config = WriteConfig("profile: intel\nenclave-limit: 5\n");
  EXPECT_EQ(EnclaveSlots({"--config", config}), 5);
  setenv("TEE_ENCLAVE_LIMIT", "7", 1);
  EXPECT_EQ(EnclaveSlots({"--config", config}), 7);
  EXPECT_EQ(EnclaveSlots({"--config", config, "--enclave-limit", "9"}), 9);
  unsetenv("TEE_ENCLAVE_LIMIT");
  EXPECT_EQ(EnclaveSlots({"--profile", "intel"}), 110);
}

TEST_F(ConfigTest, BadFilesAreUsageErrorsThatNameTheKeyAndFile) {
  const std::string config = WriteConfig("profile: intel\nenclave-limits: 5\n");
  CommandResult unknown = RunBinary({"serve", "--config", config});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr(config));
  EXPECT_THAT(unknown.err, HasSubstr("unknown key \"enclave-limits\""));
  CommandResult bad_value = RunBinary({"serve", "--config", WriteConfig("enclave-limit: 0\n")});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_THAT(bad_value.err, HasSubstr("enclave-limit"));
  CommandResult missing = RunBinary({"serve", "--config", config_dir_.path() + "/none.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("none.yaml"));
}

TEST(CdiTest, AllocateAnswersWithCdiNamesAndTheSpecCarriesTheEdits) {
  TempDir cdi;
  NodeHarness node("numa=1GiB aesmd=on", {"--cdi", "--cdi-dir", cdi.path()});
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  auto response =
      node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 4)}));
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& container = response->container_responses(0);
  EXPECT_EQ(container.devices_size(), 0);
  EXPECT_EQ(container.mounts_size(), 0);
  EXPECT_EQ(container.envs_size(), 0);
  ASSERT_EQ(container.cdi_devices_size(), 1);
  EXPECT_EQ(container.cdi_devices(0).name(),
            "tee.dev/resource=kubernetes.azure.com_sgx_epc_mem_in_MiB");
  std::ifstream in(cdi.path() + "/tee.dev-resource.json");
  ASSERT_TRUE(in) << "no CDI spec in " << cdi.path();
  const nlohmann::json spec = nlohmann::json::parse(in);
  EXPECT_EQ(spec["kind"], "tee.dev/resource");
  const nlohmann::json& device = spec["devices"][0];
  EXPECT_EQ(device["name"], "kubernetes.azure.com_sgx_epc_mem_in_MiB");
  EXPECT_EQ(device["containerEdits"]["deviceNodes"].size(), 4u);
  EXPECT_EQ(device["containerEdits"]["mounts"][0]["hostPath"], "/var/run/aesmd");
  EXPECT_EQ(device["containerEdits"]["env"][0], "SGX_AESM_ADDR=1");
}

TEST(CdiTest, AnUnwritableCdiDirectoryStopsTheStartWithItsName) {
  NodeHarness node("numa=1GiB", {"--cdi", "--cdi-dir", "/nonexistent/cdi"}, false);
  EXPECT_EQ(node.plugin().SignalAndWait(0, std::chrono::seconds(10)), 2);
  EXPECT_THAT(node.Log(), HasSubstr("/nonexistent/cdi"));
}

}  // namespace
}  // namespace teedp::testing
