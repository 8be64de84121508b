// RenderInventoryText and InventoryJson on a usable and an unusable node.
#include "hw/inventory_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::hw {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

Inventory UsableNode() {
  Inventory inv;
  inv.cpuid.max_basic_leaf = 0x1B;
  inv.cpuid.sgx = inv.cpuid.sgx_lc = inv.cpuid.sgx1 = inv.cpuid.sgx2 = true;
  inv.cpuid.max_enclave_bits_32 = 31;
  inv.cpuid.max_enclave_bits_64 = 47;
  inv.cpuid.epc_state = EpcCpuidState::kSections;
  inv.cpuid.sections = {{0x30180000, 0xBC00000, 1}};
  inv.kernel = {true, true, true};
  inv.driver = SgxDriver::kInKernel;
  inv.device_nodes = {"/dev/sgx_enclave", "/dev/sgx/enclave"};
  inv.device_aliases = {{"/dev/sgx/enclave", "/dev/sgx_enclave"}};
  inv.numa_epc = {{0, 0xBC00000}};
  inv.epc_bytes = 0xBC00000;
  return inv;
}

TEST(RenderInventoryTextTest, UsableNode) {
  const std::string text = RenderInventoryText(UsableNode());
  EXPECT_THAT(text, HasSubstr("SGX: yes, SGX_LC: yes, SGX1: yes, SGX2: yes"));
  EXPECT_THAT(text, HasSubstr("2^47 bytes (128 TiB) in 64-bit mode"));
  EXPECT_THAT(text, HasSubstr("base 0x30180000 size 0xBC00000 (188 MiB) property 1"));
  EXPECT_THAT(text, HasSubstr("Driver: in-kernel"));
  EXPECT_THAT(text, HasSubstr("/dev/sgx/enclave -> /dev/sgx_enclave"));
  EXPECT_THAT(text, HasSubstr("node 0: 188 MiB"));
  EXPECT_THAT(text, HasSubstr("Total EPC: 188 MiB"));
  EXPECT_THAT(text, EndsWith("SGX usable: yes\n"));
}

TEST(RenderInventoryTextTest, UnusableNodeListsProblemsAfterTheVerdict) {
  Inventory inv;
  inv.problems = {"CPU has no SGX (CPUID.7.0:EBX[2] is 0)", "no SGX driver: none exists"};
  inv.notes = {"cannot read /proc/cpuinfo"};
  const std::string text = RenderInventoryText(inv);
  EXPECT_THAT(text,
              HasSubstr("SGX usable: no\n  - CPU has no SGX (CPUID.7.0:EBX[2] is 0)\n"
                        "  - no SGX driver: none exists\n  note: cannot read /proc/cpuinfo\n"));
  EXPECT_THAT(text, HasSubstr("Total EPC: 0 B"));
  EXPECT_THAT(text, HasSubstr("flags unknown"));
}

TEST(InventoryJsonTest, StableKeys) {
  const nlohmann::json json = InventoryJson(UsableNode());
  EXPECT_TRUE(json["sgx_usable"]);
  EXPECT_EQ(json["cpu"]["epc_state"], "sections");
  EXPECT_EQ(json["cpu"]["epc_sections"][0]["base"], 0x30180000);
  EXPECT_EQ(json["cpu"]["epc_sections"][0]["size"], 0xBC00000);
  EXPECT_EQ(json["cpu"]["epc_section_bytes"], 0xBC00000);
  EXPECT_EQ(json["cpu"]["max_enclave_bits_64"], 47);
  EXPECT_TRUE(json["kernel"]["sgx_lc"]);
  EXPECT_EQ(json["driver"], "in-kernel");
  EXPECT_EQ(json["enclave_node"], "/dev/sgx_enclave");
  EXPECT_EQ(json["device_nodes"][1], "/dev/sgx/enclave");
  EXPECT_EQ(json["device_aliases"][0]["target"], "/dev/sgx_enclave");
  EXPECT_FALSE(json["aesmd_socket_dir"]);
  EXPECT_EQ(json["numa_epc"][0]["node"], 0);
  EXPECT_EQ(json["epc_bytes"], 0xBC00000);
  EXPECT_TRUE(json["problems"].is_array() && json["problems"].empty());
  EXPECT_TRUE(json["notes"].is_array());
  const nlohmann::json empty = InventoryJson(Inventory{});
  EXPECT_EQ(empty["cpu"]["epc_state"], "no_sgx");
  EXPECT_EQ(empty["driver"], "none");
  EXPECT_EQ(empty["enclave_node"], "");
}

}  // namespace
}  // namespace teedp::hw

namespace teedp::hw {
namespace {

TEST(RenderInventoryTextTest, GuestInterfacesAreListedOrNone) {
  Inventory inv;
  EXPECT_THAT(RenderInventoryText(inv), HasSubstr("Confidential VM guest interfaces: none\n"));
  EXPECT_TRUE(InventoryJson(inv)["guest_devices"].empty());
  inv.guest_devices = {{GuestTee::kTdx, "/dev/tdx_guest"},
                       {GuestTee::kTsmReport, "/sys/kernel/config/tsm/report"}};
  EXPECT_THAT(RenderInventoryText(inv),
              HasSubstr("Confidential VM guest interfaces:\n  tdx: /dev/tdx_guest\n"
                        "  tsm-report: /sys/kernel/config/tsm/report\n"));
  const nlohmann::json json = InventoryJson(inv);
  EXPECT_EQ(json["guest_devices"][0]["tee"], "tdx");
  EXPECT_EQ(json["guest_devices"][1]["path"], "/sys/kernel/config/tsm/report");
}

TEST(RenderInventoryTextTest, UnknownEpcSizeIsUnknownNotZero) {
  Inventory inv;
  inv.cpuid.sgx = true;
  inv.cpuid.epc_state = EpcCpuidState::kUnknown;  // a dump without leaf 0x12 sub-leaves
  EXPECT_THAT(RenderInventoryText(inv), HasSubstr("Total EPC: unknown"));
  EXPECT_TRUE(InventoryJson(inv)["epc_bytes"].is_null());
  inv.numa_epc = {{0, 1 << 20}};
  inv.epc_bytes = 1 << 20;
  EXPECT_EQ(InventoryJson(inv)["epc_bytes"], 1 << 20) << "sysfs knows it";
}

}  // namespace
}  // namespace teedp::hw
