// The binary's command line: detect (text and JSON) on real CPUID dumps and simulated hosts, and
// clear usage errors with exit code 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "node_harness.h"
#include "test_paths.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  return std::string(TEE_CPUID_FIXTURES) + "/" + name;
}

TEST(CliTest, DetectJsonOnASimulatedNode) {
  TempDir dir;
  auto node = hw::ParseSimulatedNodeSpec("numa=4GiB,4GiB driver=in-kernel aesmd=on");
  ASSERT_TRUE(node.ok());
  ASSERT_TRUE(hw::WriteSimulatedNode(dir.path(), *node).ok());
  auto result = RunBinary(
      {"detect", "--json", "--host-root", dir.path(), "--cpuid-dump", dir.path() + "/cpuid.txt"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["resources"][0]["units"], 8192);
  EXPECT_EQ(json["resources"][0]["name"], kEpcResource);
  EXPECT_TRUE(json["resources"][0]["healthy"]);
}

TEST(CliTest, DetectDraPrintsTheResourceSlicesServeWouldPublish) {
  TempDir dir;
  auto node = hw::ParseSimulatedNodeSpec("numa=4GiB,2GiB driver=in-kernel guest=tdx");
  ASSERT_TRUE(node.ok());
  ASSERT_TRUE(hw::WriteSimulatedNode(dir.path(), *node).ok());
  auto result = RunBinary({"detect", "--json", "--kubelet-api", "dra", "--node-name", "node-7",
                           "--host-root", dir.path(), "--cpuid-dump", dir.path() + "/cpuid.txt"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json slices = nlohmann::json::parse(result.out)["resource_slices"];
  ASSERT_EQ(slices.size(), 2u) << slices.dump(2);
  EXPECT_EQ(slices[0]["spec"]["driver"], "sgx.tee.dev");
  EXPECT_EQ(slices[0]["spec"]["nodeName"], "node-7");
  EXPECT_EQ(slices[0]["spec"]["pool"]["name"], "node-7");
  const nlohmann::json& epc = slices[0]["spec"]["devices"];
  EXPECT_EQ(epc[0]["name"], "epc-numa-0");
  EXPECT_EQ(epc[0]["capacity"]["epc"]["value"], "4Gi");
  EXPECT_EQ(epc[1]["name"], "epc-numa-1");
  EXPECT_EQ(epc[1]["capacity"]["epc"]["value"], "2Gi");
  EXPECT_EQ(epc[1]["attributes"]["numaNode"]["int"], 1);
  EXPECT_EQ(slices[1]["spec"]["driver"], "guest.tee.dev");
  EXPECT_EQ(slices[1]["spec"]["devices"][0]["name"], "tdx-guest");

  auto text = RunBinary({"detect", "--kubelet-api", "dra", "--host-root", dir.path(),
                         "--cpuid-dump", dir.path() + "/cpuid.txt"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("sgx.tee.dev/epc-numa-1: epc 2Gi shared by claims"));
  EXPECT_THAT(text.out, HasSubstr("guest.tee.dev/tdx-guest: shared by any number of claims"));
}

TEST(CliTest, DetectExplainsWhatIsMissing) {
  TempDir empty_root;  // no /dev nodes, no sysfs, no cpuinfo
  struct Case {
    std::string dump;
    std::string says;
  };
  std::vector<Case> cases = {
      {"GenuineIntel0090672_AlderLake_02_CPUID.txt", "no SGX"},
      {"AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt", "no SGX"},
      {"GenuineIntel00606A6_ICX_04_CPUID.txt", "BIOS"},
      {"GenuineIntel00806E9_Kabylake_CPUID2.txt", "/dev/sgx_enclave"},
  };
  for (const Case& c : cases) {
    auto result =
        RunBinary({"detect", "--host-root", empty_root.path(), "--cpuid-dump", Fixture(c.dump)});
    EXPECT_EQ(result.exit_code, 1) << c.dump << "\n" << result.err;
    EXPECT_THAT(result.out, HasSubstr(c.says)) << c.dump;
  }
}

TEST(CliTest, DetectOnKabyLakeDumpCountsWholeMebibytes) {
  TempDir root;
  std::filesystem::create_directories(root.path() + "/dev");
  std::ofstream(root.path() + "/dev/sgx_enclave").put('\n');
  auto result = RunBinary({"detect", "--json", "--host-root", root.path(), "--cpuid-dump",
                           Fixture("GenuineIntel00806E9_Kabylake_CPUID2.txt")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["resources"][0]["units"], 93);  // 93.5 MiB
}

TEST(CliTest, UsageErrorsExitTwoAndNameTheProblem) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<Case> cases = {
      {{"serv"}, "did you mean 'serve'"},
      {{"serve", "--no-such-flag"}, "--no-such-flag"},
      {{"serve", "--epc-resource", "no-slash"}, "no-slash"},
      {{"serve", "--epc-resource", "kubernetes.io/epc"}, "kubernetes.io"},
      {{"serve", "--log-level", "loud"}, "loud"},
      {{"serve", "--plugin-dir", "relative/dir"}, "--plugin-dir"},
      {{"serve", "--cpuid-dump", "/nonexistent/dump.txt"}, "/nonexistent/dump.txt"},
      {{"detect", "--cpuid-dump", "/dev/null"}, "/dev/null"},
      {{"detect", "--kubelet-api", "cuda"}, "cuda not in {device-plugin,dra}"},
      {{"serve", "--epc-unit", "1GiB"}, "sgx_epc_mem_in_MiB"},
      {{"serve", "--epc-unit", "3MiB", "--epc-resource", "example.com/epc"}, "power of two"},
      {{"serve", "--epc-unit", "lots"}, "lots"},
      // "--flag=" is the flag with an empty value; the next flag is still read as a flag.
      {{"serve", "--metrics-address=", "--log-level", "loud"}, "unknown log level \"loud\""},
      {{"serve", "--nfd-features-dir=", "--pod-resources-socket=", "--log-level", "loud"},
       "unknown log level \"loud\""},
  };
  for (const Case& c : cases) {
    auto result = RunBinary(c.args);
    EXPECT_EQ(result.exit_code, 2)
        << c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "") << "\n"
        << result.err;
    EXPECT_THAT(result.err, HasSubstr(c.says));
  }
}

TEST(CliTest, EveryServeFlagAlsoReadsItsEnvironmentVariable) {
  ASSERT_EQ(setenv("TEE_EPC_RESOURCE", "bad name", 1), 0);
  auto result = RunBinary({"serve"});
  unsetenv("TEE_EPC_RESOURCE");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("bad name"));
}

TEST(CliTest, HelpListsSubcommandsAndExitsZero) {
  auto result = RunBinary({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* name : {"serve", "detect", "demo", "simulate"}) {
    EXPECT_THAT(result.out, HasSubstr(name));
  }
}

TEST(CliTest, DemoRunsEveryStepAndExitsZero) {
  auto result = RunBinary({"demo"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("0 failed"));
}

TEST(CliTest, DraDemoRunsEveryStepAndExitsZero) {
  auto result = RunBinary({"demo", "--kubelet-api", "dra"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("enclave-5gi stays Pending"));
  EXPECT_THAT(result.out, HasSubstr("the repeated prepare gives the same CDI device"));
  EXPECT_THAT(result.out, HasSubstr(" 0 failed"));
}

TEST(CliTest, DraDemoOnANodeWithoutSgxSaysWhyAndFails) {
  auto result =
      RunBinary({"demo", "--kubelet-api", "dra", "--spec", "sgx=absent driver=none guest=tdx"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("the simulated node has no usable SGX"));
}

TEST(CliTest, DemoMakesItsWorkDirectoryInTmpdir) {
  TempDir tmp;
  ASSERT_EQ(setenv("TMPDIR", tmp.path().c_str(), 1), 0);
  auto result = RunBinary({"demo", "--keep"});
  ASSERT_EQ(setenv("TMPDIR", "/nonexistent-tmpdir", 1), 0);
  auto missing = RunBinary({"demo"});
  unsetenv("TMPDIR");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  int made = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path())) {
    made += entry.path().filename().string().starts_with("tee-demo-") ? 1 : 0;
  }
  EXPECT_EQ(made, 1) << "demo --keep left no work directory in $TMPDIR";
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("/nonexistent-tmpdir"));
}

}  // namespace
}  // namespace teedp::testing
