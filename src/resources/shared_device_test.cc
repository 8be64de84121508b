#include "resources/shared_device.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

hw::Inventory InKernelHost() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc"};
  inventory.epc_bytes = uint64_t{64} << 20;
  return inventory;
}

SharedDeviceConfig Config(SharedDevice device, int64_t limit = kDefaultSharedLimit) {
  return {device, ResourceName::BuiltIn(DefaultSharedResourceName(device)),
          SharedLimit::Of(limit).value()};
}

TEST(PlanSharedDeviceTest, EnclaveGivesOnlyItsOwnNodeInLimitSlots) {
  ResourcePlan plan = PlanKind(InKernelHost(), Config(SharedDevice::kSgxEnclave, 20));
  EXPECT_EQ(plan.resource_name, "sgx.intel.com/enclave");
  EXPECT_EQ(plan.unit_count, 20u);
  EXPECT_EQ(plan.blocks, (std::vector<UnitBlock>{{-1, 0, 20}}));
  EXPECT_FALSE(plan.has_topology);
  EXPECT_FALSE(plan.capped());
  EXPECT_EQ(plan.kind, ResourceKind(SharedSlots{"/dev/sgx_enclave"}));
  EXPECT_TRUE(plan.healthy);
  EXPECT_THAT(plan.container_edits.devices,
              ElementsAre(DeviceSpec{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}));
  EXPECT_THAT(plan.container_edits.mounts, IsEmpty());
}

TEST(PlanSharedDeviceTest, EnclaveCarriesAesmdWiringWhenTheHostHasIt) {
  hw::Inventory inventory = InKernelHost();
  inventory.aesmd_socket_dir = true;
  ResourcePlan plan = PlanKind(inventory, Config(SharedDevice::kSgxEnclave));
  EXPECT_THAT(plan.container_edits.mounts,
              ElementsAre(Mount{"/var/run/aesmd", "/var/run/aesmd", false}));
  EXPECT_THAT(plan.container_edits.envs,
              ElementsAre(std::pair<std::string, std::string>("SGX_AESM_ADDR", "1")));
  ResourcePlan provision = PlanKind(inventory, Config(SharedDevice::kSgxProvision));
  EXPECT_THAT(provision.container_edits.mounts, IsEmpty()) << "only the enclave carries it";
}

TEST(PlanSharedDeviceTest, DriverFlavoursPickTheirOwnNodes) {
  hw::Inventory dcap;
  dcap.driver = hw::SgxDriver::kDcap;
  dcap.device_nodes = {"/dev/sgx/enclave", "/dev/sgx/provision"};
  EXPECT_EQ(SharedDevicePath(dcap, SharedDevice::kSgxEnclave), "/dev/sgx/enclave");
  EXPECT_EQ(SharedDevicePath(dcap, SharedDevice::kSgxProvision), "/dev/sgx/provision");
  hw::Inventory dcap_122;
  dcap_122.driver = hw::SgxDriver::kDcap;
  dcap_122.device_nodes = {"/dev/sgx", "/dev/sgx_prv"};
  EXPECT_EQ(SharedDevicePath(dcap_122, SharedDevice::kSgxEnclave), "/dev/sgx");
  EXPECT_EQ(SharedDevicePath(dcap_122, SharedDevice::kSgxProvision), "/dev/sgx_prv");
  hw::Inventory legacy;
  legacy.driver = hw::SgxDriver::kLegacy;
  legacy.device_nodes = {"/dev/isgx"};
  EXPECT_EQ(SharedDevicePath(legacy, SharedDevice::kSgxProvision), std::nullopt);
  ResourcePlan plan = PlanKind(legacy, Config(SharedDevice::kSgxProvision));
  EXPECT_FALSE(plan.healthy);
  EXPECT_THAT(plan.health_reason, HasSubstr("/dev/sgx_provision"));
}

TEST(PlanSharedDeviceTest, AnAliasedNodeIsCreatedFromItsTarget) {
  hw::Inventory inventory = InKernelHost();
  inventory.device_aliases = {{"/dev/sgx_enclave", "/dev/sgx/enclave"}};
  ResourcePlan plan = PlanKind(inventory, Config(SharedDevice::kSgxEnclave));
  EXPECT_THAT(plan.container_edits.devices,
              ElementsAre(DeviceSpec{"/dev/sgx_enclave", "/dev/sgx/enclave", "rw"}));
}

TEST(PlanSharedDeviceTest, SgxResourcesAreUnhealthyWhileSgxIsUnusable) {
  hw::Inventory inventory = InKernelHost();
  inventory.problems = {"SGX is disabled in BIOS (CPUID leaf 0x12 is zero)"};
  ResourcePlan plan = PlanKind(inventory, Config(SharedDevice::kSgxEnclave));
  EXPECT_FALSE(plan.healthy);
  EXPECT_EQ(plan.health_reason, "SGX is disabled in BIOS (CPUID leaf 0x12 is zero)");
}

TEST(PlanSharedDeviceTest, GuestInterfacesIgnoreSgxAndFollowTheirDevice) {
  hw::Inventory guest;
  guest.problems = {"CPU has no SGX (CPUID.7.0:EBX[2] is 0)"};
  guest.guest_devices = {{hw::GuestTee::kTdx, "/dev/tdx-guest"},
                         {hw::GuestTee::kTsmReport, "/sys/kernel/config/tsm/report"}};
  ResourcePlan tdx = PlanKind(guest, Config(SharedDevice::kTdx));
  EXPECT_TRUE(tdx.healthy);
  EXPECT_EQ(tdx.resource_name, "intel.com/tdx");
  EXPECT_THAT(tdx.container_edits.devices,
              ElementsAre(DeviceSpec{"/dev/tdx-guest", "/dev/tdx-guest", "rw"}));
  ResourcePlan tsm = PlanKind(guest, Config(SharedDevice::kTsmReport));
  EXPECT_THAT(tsm.container_edits.devices, IsEmpty());
  EXPECT_THAT(
      tsm.container_edits.mounts,
      ElementsAre(Mount{"/sys/kernel/config/tsm/report", "/sys/kernel/config/tsm/report", false}));
  ResourcePlan sev = PlanKind(guest, Config(SharedDevice::kSevSnp));
  EXPECT_FALSE(sev.healthy);
  EXPECT_EQ(sev.health_reason, "no sev-snp interface: /dev/sev-guest is missing");
  ResourcePlan tpm = PlanKind({}, Config(SharedDevice::kTdx));
  EXPECT_THAT(tpm.health_reason, HasSubstr("/dev/tdx_guest or /dev/tdx-guest"));
}

TEST(SharedDeviceTest, GuestTeesMapOntoTheirResources) {
  EXPECT_EQ(SharedDeviceFor(hw::GuestTee::kSevSnp), SharedDevice::kSevSnp);
  EXPECT_EQ(DefaultSharedResourceName(SharedDeviceFor(hw::GuestTee::kTsmReport)),
            "tee.dev/tsm-report");
}

}  // namespace
}  // namespace teedp::resources
