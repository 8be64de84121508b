// ProbeSgxDevices and HostRoot on temp trees: driver flavours, udev aliases, the order of nodes.
#include "hw/sgx_devices.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace teedp::hw {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing::TempDir;

TEST(ProbeSgxDevicesTest, DriverFlavours) {
  struct Case {
    std::vector<std::string> files;
    SgxDriver driver;
    std::vector<std::string> nodes;
  };
  const Case cases[] = {
      {{}, SgxDriver::kNone, {}},
      {{"dev/sgx_enclave", "dev/sgx_provision", "dev/sgx_vepc"},
       SgxDriver::kInKernel,
       {"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc"}},
      {{"dev/sgx/provision", "dev/sgx/enclave"},
       SgxDriver::kDcap,
       {"/dev/sgx/enclave", "/dev/sgx/provision"}},
      {{"dev/sgx", "dev/sgx_prv"}, SgxDriver::kDcap, {"/dev/sgx", "/dev/sgx_prv"}},  // DCAP 1.22
      {{"dev/isgx"}, SgxDriver::kLegacy, {"/dev/isgx"}},
      {{"dev/isgx", "dev/sgx_enclave"}, SgxDriver::kInKernel, {"/dev/sgx_enclave", "/dev/isgx"}},
      {{"dev/sgx_provision"}, SgxDriver::kNone, {"/dev/sgx_provision"}},
  };
  for (const Case& c : cases) {
    TempDir dir;
    for (const std::string& file : c.files) dir.Write(file);
    const SgxDevices devices = ProbeSgxDevices(HostRoot(dir.path()));
    EXPECT_EQ(devices.driver, c.driver) << ::testing::PrintToString(c.files);
    EXPECT_EQ(devices.nodes, c.nodes);
    EXPECT_THAT(devices.aliases, IsEmpty());
  }
}

TEST(ProbeSgxDevicesTest, UdevAliasesPointAtTheInKernelNodes) {
  TempDir dir;
  dir.Write("dev/sgx_enclave");
  dir.Write("dev/sgx_provision");
  dir.Symlink("../sgx_enclave", "dev/sgx/enclave");
  dir.Symlink("/dev/sgx_provision", "dev/sgx/provision");  // absolute: resolved inside the root
  const SgxDevices devices = ProbeSgxDevices(HostRoot(dir.path() + "/"));
  EXPECT_EQ(devices.driver, SgxDriver::kInKernel);
  EXPECT_THAT(devices.nodes, ElementsAre("/dev/sgx_enclave", "/dev/sgx_provision",
                                         "/dev/sgx/enclave", "/dev/sgx/provision"));
  EXPECT_THAT(devices.aliases, ElementsAre(Pair("/dev/sgx/enclave", "/dev/sgx_enclave"),
                                           Pair("/dev/sgx/provision", "/dev/sgx_provision")));
}

TEST(ProbeSgxDevicesTest, AnAliasAloneIsNotADcapDriverAndBrokenLinksDoNotExist) {
  TempDir dir;
  dir.Symlink("../sgx_enclave", "dev/sgx/enclave");  // target missing
  EXPECT_EQ(ProbeSgxDevices(HostRoot(dir.path())).driver, SgxDriver::kNone);
  EXPECT_THAT(ProbeSgxDevices(HostRoot(dir.path())).nodes, IsEmpty());
  dir.Write("dev/isgx");
  dir.Symlink("isgx", "dev/sgx_other");
  dir.Symlink("loop", "dev/loop");
  HostRoot root(dir.path());
  EXPECT_EQ(ProbeSgxDevices(root).driver, SgxDriver::kLegacy);
  EXPECT_FALSE(root.Exists("/dev/loop"));
  EXPECT_TRUE(root.Exists("/dev/sgx_other"));
}

TEST(HostRootTest, ReadsBoundedFilesAndNamesTheHostPath) {
  TempDir dir;
  dir.Write("proc/cpuinfo", "flags\t\t: sgx\n");
  dir.Write("sys/big", std::string(5000, 'x'));
  dir.Mkdir("sys/devices/system/node/node1");
  dir.Mkdir("sys/devices/system/node/node0");
  HostRoot root(dir.path());
  EXPECT_EQ(*root.Resolve("/proc/cpuinfo"), dir.path() + "/proc/cpuinfo");
  EXPECT_EQ(*HostRoot("/").Resolve("/dev/sgx_enclave"), "/dev/sgx_enclave");
  EXPECT_EQ(*root.ReadFile("/proc/cpuinfo"), "flags\t\t: sgx\n");
  auto missing = root.ReadFile("/proc/nothing");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(std::string(missing.status().message()), ::testing::HasSubstr("/proc/nothing"));
  EXPECT_TRUE(absl::IsOutOfRange(root.ReadFile("/sys/big", 4096).status()));
  EXPECT_EQ(root.ReadFile("/sys/big", 5000)->size(), 5000u);
  EXPECT_FALSE(root.ReadFile("/sys").ok());
  EXPECT_THAT(root.ListDirectory("/sys/devices/system/node"), ElementsAre("node0", "node1"));
  EXPECT_THAT(root.ListDirectory("/nope"), IsEmpty());
  EXPECT_TRUE(root.IsDirectory("/sys"));
  EXPECT_FALSE(root.IsDirectory("/proc/cpuinfo"));
  EXPECT_FALSE(root.ReadLink("/proc/cpuinfo").has_value());
}

}  // namespace
}  // namespace teedp::hw

namespace teedp::hw {
namespace {

TEST(ProbeSgxDevicesTest, FlatNameThatPointsAtARealDcapNodeIsDcap) {
  testing::TempDir dir;
  dir.Write("dev/sgx/enclave");
  std::filesystem::create_symlink("sgx/enclave", dir.path() + "/dev/sgx_enclave");
  EXPECT_EQ(ProbeSgxDevices(HostRoot(dir.path())).driver, SgxDriver::kDcap);
}

}  // namespace
}  // namespace teedp::hw
