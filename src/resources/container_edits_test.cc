#include "resources/container_edits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

hw::Inventory WithNodes(std::vector<std::string> nodes) {
  hw::Inventory inventory;
  inventory.device_nodes = std::move(nodes);
  return inventory;
}

DeviceSpec Rw(std::string container_path, std::string host_path) {
  return {std::move(container_path), std::move(host_path), "rw"};
}

TEST(PlanContainerEditsTest, InKernelDriverGetsDcapAliases) {
  ContainerEdits edits =
      PlanContainerEdits(WithNodes({"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc"}));
  EXPECT_THAT(edits.devices, ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx_enclave"),
                                         Rw("/dev/sgx/provision", "/dev/sgx_provision"),
                                         Rw("/dev/sgx_enclave", "/dev/sgx_enclave"),
                                         Rw("/dev/sgx_provision", "/dev/sgx_provision")));
  EXPECT_THAT(edits.mounts, IsEmpty());
  EXPECT_THAT(edits.envs, IsEmpty());
}

TEST(PlanContainerEditsTest, EnclaveOnlyGetsOnlyTheEnclaveAlias) {
  ContainerEdits edits = PlanContainerEdits(WithNodes({"/dev/sgx_enclave"}));
  EXPECT_THAT(edits.devices, ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx_enclave"),
                                         Rw("/dev/sgx_enclave", "/dev/sgx_enclave")));
}

TEST(PlanContainerEditsTest, DcapRealNodesAreNotDuplicated) {
  ContainerEdits edits = PlanContainerEdits(WithNodes({"/dev/sgx/enclave", "/dev/sgx/provision"}));
  EXPECT_THAT(edits.devices, ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx/enclave"),
                                         Rw("/dev/sgx/provision", "/dev/sgx/provision")));
}

TEST(PlanContainerEditsTest, BothFlavoursAsRealNodesKeepTheRealDcapNode) {
  ContainerEdits edits =
      PlanContainerEdits(WithNodes({"/dev/sgx_enclave", "/dev/sgx/enclave", "/dev/sgx/enclave"}));
  EXPECT_THAT(edits.devices, ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx/enclave"),
                                         Rw("/dev/sgx_enclave", "/dev/sgx_enclave")));
}

TEST(PlanContainerEditsTest, UdevSymlinksUseTheResolvedHostPath) {
  hw::Inventory inventory = WithNodes(
      {"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx/enclave", "/dev/sgx/provision"});
  inventory.device_aliases = {{"/dev/sgx/enclave", "/dev/sgx_enclave"},
                              {"/dev/sgx/provision", "../sgx_provision"}};  // relative, as udev
  ContainerEdits edits = PlanContainerEdits(inventory);
  EXPECT_THAT(edits.devices, ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx_enclave"),
                                         Rw("/dev/sgx/provision", "/dev/sgx_provision"),
                                         Rw("/dev/sgx_enclave", "/dev/sgx_enclave"),
                                         Rw("/dev/sgx_provision", "/dev/sgx_provision")));
}

TEST(PlanContainerEditsTest, SymlinkTargetsAreNormalised) {
  hw::Inventory inventory = WithNodes({"/dev/sgx/enclave"});
  inventory.device_aliases = {{"/dev/sgx/enclave", "./../../dev//./sgx_enclave"}};
  EXPECT_THAT(PlanContainerEdits(inventory).devices,
              ElementsAre(Rw("/dev/sgx/enclave", "/dev/sgx_enclave")));
}

TEST(PlanContainerEditsTest, LegacyDriver) {
  EXPECT_THAT(PlanContainerEdits(WithNodes({"/dev/isgx"})).devices,
              ElementsAre(Rw("/dev/isgx", "/dev/isgx")));
}

TEST(PlanContainerEditsTest, VepcAloneGivesNothing) {
  EXPECT_THAT(PlanContainerEdits(WithNodes({"/dev/sgx_vepc"})).devices, IsEmpty());
  EXPECT_THAT(PlanContainerEdits(WithNodes({})).devices, IsEmpty());
}

TEST(PlanContainerEditsTest, AesmdMountAndEnvironmentOnlyWhenPresent) {
  hw::Inventory inventory = WithNodes({"/dev/sgx_enclave"});
  EXPECT_THAT(PlanContainerEdits(inventory).mounts, IsEmpty());
  inventory.aesmd_socket_dir = true;
  ContainerEdits edits = PlanContainerEdits(inventory);
  EXPECT_THAT(edits.mounts, ElementsAre(Mount{"/var/run/aesmd", "/var/run/aesmd", false}));
  EXPECT_THAT(edits.envs, ElementsAre(std::pair<std::string, std::string>("SGX_AESM_ADDR", "1")));
}

TEST(PlanContainerEditsTest, HostPathsAreNeverPrefixedAndContainerPathsUnique) {
  hw::Inventory inventory = WithNodes({"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc",
                                       "/dev/sgx/enclave", "/dev/sgx/provision", "/dev/isgx"});
  inventory.device_aliases = {{"/dev/sgx/enclave", "/dev/sgx_enclave"}};
  std::set<std::string> container_paths;
  for (const DeviceSpec& spec : PlanContainerEdits(inventory).devices) {
    EXPECT_TRUE(spec.host_path.starts_with("/dev/")) << spec.host_path;
    EXPECT_EQ(spec.permissions, "rw");
    EXPECT_TRUE(container_paths.insert(spec.container_path).second) << spec.container_path;
  }
  EXPECT_EQ(container_paths.size(), 5u);
}

TEST(PlanContainerEditsTest, OrderDoesNotDependOnProbeOrder) {
  EXPECT_EQ(PlanContainerEdits(WithNodes({"/dev/sgx_provision", "/dev/sgx_enclave"})),
            PlanContainerEdits(WithNodes({"/dev/sgx_enclave", "/dev/sgx_provision"})));
}

}  // namespace
}  // namespace teedp::resources
