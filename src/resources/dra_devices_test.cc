#include "resources/dra_devices.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr uint64_t kGiBytes = uint64_t{1} << 30;

hw::Inventory TwoNodeSgx2Host() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.cpuid.sgx1 = true;
  inventory.cpuid.sgx2 = true;
  inventory.cpuid.sgx_lc = true;
  inventory.cpuid.max_enclave_bits_64 = 36;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc"};
  inventory.numa_epc = {{0, 4 * kGiBytes}, {1, 4 * kGiBytes}};
  inventory.epc_bytes = 8 * kGiBytes;
  return inventory;
}

std::vector<std::string> Names(const DraDriverDevices& driver) {
  std::vector<std::string> names;
  for (const DraDevice& device : driver.devices) names.push_back(device.name);
  return names;
}

TEST(PlanDraDevicesTest, EpcIsOneShareableDevicePerNumaNodeWithItsBytes) {
  std::vector<DraDriverDevices> drivers = PlanDraDevices(TwoNodeSgx2Host());
  ASSERT_EQ(drivers.size(), 1u);
  EXPECT_EQ(drivers[0].driver, "sgx.tee.dev");
  EXPECT_THAT(Names(drivers[0]), ElementsAre("epc-numa-0", "epc-numa-1", "enclave", "provision"));
  for (int node : {0, 1}) {
    const DraDevice& epc = drivers[0].devices[static_cast<size_t>(node)];
    EXPECT_TRUE(epc.allow_multiple_allocations);
    EXPECT_EQ(epc.capacity.at("epc"), (DraCapacity{.value = 4 * kGiBytes,
                                                   .default_request = uint64_t{1} << 20,
                                                   .min = 4096,
                                                   .step = 4096}));
    EXPECT_EQ(epc.attributes.at("numaNode"), DraAttribute(int64_t{node}));
  }
}

TEST(PlanDraDevicesTest, SgxAttributesComeFromCpuidAndTheDriver) {
  hw::Inventory sgx1_only = TwoNodeSgx2Host();
  sgx1_only.cpuid.sgx2 = false;
  sgx1_only.cpuid.sgx_lc = false;
  sgx1_only.driver = hw::SgxDriver::kDcap;
  const DraDevice epc = PlanDraDevices(sgx1_only)[0].devices[0];
  EXPECT_EQ(epc.attributes.at("sgx1"), DraAttribute(true));
  EXPECT_EQ(epc.attributes.at("sgx2"), DraAttribute(false));
  EXPECT_EQ(epc.attributes.at("flc"), DraAttribute(false));
  EXPECT_EQ(epc.attributes.at("driver"), DraAttribute(std::string("dcap")));
  EXPECT_EQ(epc.attributes.at("maxEnclaveSize"), DraAttribute(int64_t{1} << 36));
  EXPECT_EQ(PlanDraDevices(TwoNodeSgx2Host())[0].devices[0].attributes.at("sgx2"),
            DraAttribute(true));
}

TEST(PlanDraDevicesTest, WithoutPerNodeFiguresEpcIsOneDeviceInWholePages) {
  hw::Inventory inventory = TwoNodeSgx2Host();
  inventory.numa_epc.clear();
  inventory.epc_bytes = 93 * (uint64_t{1} << 20) + 4096 + 100;  // a partial page is dropped
  inventory.cpuid.max_enclave_bits_64 = 0;                      // unknown: no attribute
  const DraDevice epc = PlanDraDevices(inventory)[0].devices[0];
  EXPECT_EQ(epc.name, "epc");
  EXPECT_EQ(epc.capacity.at("epc").value, 93 * (uint64_t{1} << 20) + 4096);
  EXPECT_EQ(epc.attributes.count("numaNode"), 0u);
  EXPECT_EQ(epc.attributes.count("maxEnclaveSize"), 0u);
}

TEST(PlanDraDevicesTest, ANodeListedTwiceIsSummedAndOneWithoutAPageIsLeftOut) {
  hw::Inventory inventory = TwoNodeSgx2Host();
  inventory.numa_epc = {{1, kGiBytes}, {0, 100}, {1, kGiBytes}};
  std::vector<DraDriverDevices> drivers = PlanDraDevices(inventory);
  EXPECT_THAT(Names(drivers[0]), ElementsAre("epc-numa-1", "enclave", "provision"));
  EXPECT_EQ(drivers[0].devices[0].capacity.at("epc").value, 2 * kGiBytes);
}

TEST(PlanDraDevicesTest, EpcDevicesCarryTheSgxNodesAndAesmd) {
  hw::Inventory inventory = TwoNodeSgx2Host();
  inventory.aesmd_socket_dir = true;
  const std::vector<DraDriverDevices> drivers = PlanDraDevices(inventory);
  const ContainerEdits& epc = drivers[0].devices[0].edits;
  EXPECT_EQ(epc, PlanContainerEdits(inventory));
  EXPECT_THAT(epc.envs, ElementsAre(std::pair<std::string, std::string>{"SGX_AESM_ADDR", "1"}));
  const ContainerEdits& provision = drivers[0].devices[3].edits;
  EXPECT_THAT(provision.devices,
              ElementsAre(DeviceSpec{"/dev/sgx_provision", "/dev/sgx_provision", "rw"}));
}

// DeviceClasses (deploy/components/dra) select by it: the devices share every other attribute.
TEST(PlanDraDevicesTest, EachSgxDeviceSaysWhichTypeItIs) {
  const std::vector<DraDevice> devices = PlanDraDevices(TwoNodeSgx2Host())[0].devices;
  std::vector<std::string> types;
  for (const DraDevice& device : devices) {
    types.push_back(std::get<std::string>(device.attributes.at("type")));
  }
  EXPECT_THAT(types, ElementsAre("epc", "epc", "enclave", "provision"));
}

TEST(PlanDraDevicesTest, UnusableSgxPublishesNoSgxDevice) {
  hw::Inventory inventory = TwoNodeSgx2Host();
  inventory.problems = {"SGX is disabled in BIOS (CPUID leaf 0x12 is zero)"};
  EXPECT_THAT(PlanDraDevices(inventory), IsEmpty());
}

TEST(PlanDraDevicesTest, AMissingProvisioningNodeIsNoDevice) {
  hw::Inventory inventory = TwoNodeSgx2Host();
  inventory.device_nodes = {"/dev/sgx_enclave"};
  EXPECT_THAT(Names(PlanDraDevices(inventory)[0]),
              ElementsAre("epc-numa-0", "epc-numa-1", "enclave"));
}

TEST(PlanDraDevicesTest, GuestInterfacesAreTheGuestDriversDevicesWithOnlyTheirNode) {
  hw::Inventory guest;
  guest.problems = {"CPU has no SGX (CPUID.7.0:EBX[2] is 0)"};
  guest.guest_devices = {{hw::GuestTee::kTdx, "/dev/tdx_guest"},
                         {hw::GuestTee::kTsmReport, "/sys/kernel/config/tsm/report"}};
  std::vector<DraDriverDevices> drivers = PlanDraDevices(guest);
  ASSERT_EQ(drivers.size(), 1u);
  EXPECT_EQ(drivers[0].driver, "guest.tee.dev");
  EXPECT_THAT(Names(drivers[0]), ElementsAre("tdx-guest", "tsm-report"));
  const DraDevice& tdx = drivers[0].devices[0];
  EXPECT_TRUE(tdx.allow_multiple_allocations);
  EXPECT_THAT(tdx.capacity, IsEmpty());
  EXPECT_EQ(tdx.attributes.at("tee"), DraAttribute(std::string("tdx")));
  EXPECT_THAT(tdx.edits.devices, ElementsAre(DeviceSpec{"/dev/tdx_guest", "/dev/tdx_guest", "rw"}));
  EXPECT_THAT(tdx.edits.mounts, IsEmpty());
  EXPECT_THAT(
      drivers[0].devices[1].edits.mounts,
      ElementsAre(Mount{"/sys/kernel/config/tsm/report", "/sys/kernel/config/tsm/report", false}));
}

}  // namespace
}  // namespace teedp::resources
