// ProbeInventory on temp host roots: one case per verdict an operator can meet.
#include "hw/inventory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hw/simulated_node.h"
#include "support/temp_dir.h"
#include "test_paths.h"

namespace teedp::hw {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TempDir;

constexpr uint64_t kGiB = uint64_t{1} << 30;

std::string Fixture(const std::string& name) {
  return std::string(TEE_CPUID_FIXTURES) + "/" + name;
}

// Writes the simulated node from `spec` into `dir` and probes it with its own CPUID dump.
Inventory ProbeSimulated(const TempDir& dir, const std::string& spec) {
  auto node = ParseSimulatedNodeSpec(spec);
  EXPECT_TRUE(node.ok()) << node.status();
  EXPECT_TRUE(WriteSimulatedNode(dir.path(), *node).ok());
  auto cpuid = LoadCpuidDump(dir.path() + "/cpuid.txt");
  EXPECT_TRUE(cpuid.ok()) << cpuid.status();
  return ProbeInventory(HostRoot(dir.path()), **cpuid);
}

Inventory ProbeWithDump(const TempDir& dir, const std::string& fixture) {
  auto cpuid = LoadCpuidDump(Fixture(fixture));
  EXPECT_TRUE(cpuid.ok()) << cpuid.status();
  return ProbeInventory(HostRoot(dir.path()), **cpuid);
}

TEST(ProbeInventoryTest, DefaultSimulatedNodeIsUsable) {
  TempDir dir;
  const Inventory inv = ProbeSimulated(dir, "aesmd=on");
  EXPECT_TRUE(inv.SgxUsable()) << ::testing::PrintToString(inv.problems);
  EXPECT_THAT(inv.notes, IsEmpty());
  EXPECT_EQ(inv.driver, SgxDriver::kInKernel);
  EXPECT_EQ(inv.EnclaveNode(), "/dev/sgx_enclave");
  EXPECT_THAT(inv.device_nodes,
              ElementsAre("/dev/sgx_enclave", "/dev/sgx_provision", "/dev/sgx_vepc"));
  EXPECT_THAT(inv.numa_epc, ElementsAre(NumaEpc{0, 4 * kGiB}, NumaEpc{1, 4 * kGiB}));
  EXPECT_EQ(inv.epc_bytes, 8 * kGiB);
  EXPECT_TRUE(inv.kernel.readable && inv.kernel.sgx && inv.kernel.sgx_lc);
  EXPECT_TRUE(inv.aesmd_socket_dir);
  EXPECT_EQ(inv.cpuid.sections.size(), 2u);
}

TEST(ProbeInventoryTest, SimulatedVerdicts) {
  struct Case {
    std::string spec;
    bool usable;
    std::string first_problem;  // substring; "" when usable
    uint64_t epc_bytes;
  };
  const Case cases[] = {
      {"sgx=off", false, "disabled in BIOS", 0},
      {"flags=off", false, "did not list the sgx flag", 8 * kGiB},
      {"flags=off driver=legacy", true, "", 8 * kGiB},
      {"driver=none", false, "no SGX driver: none of /dev/sgx_enclave", 8 * kGiB},
      {"driver=dcap", true, "", 8 * kGiB},
      {"sysfs=off numa=1GiB,2GiB,3GiB", true, "", 6 * kGiB},
      {"numa=0", false, "EPC size is 0", 0},
      {"sysfs=off numa=0", false, "EPC size is 0: CPUID", 0},
      {"numa=256TiB,256TiB,1TiB", true, "", (uint64_t{513} << 40)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    TempDir dir;
    const Inventory inv = ProbeSimulated(dir, c.spec);
    EXPECT_EQ(inv.SgxUsable(), c.usable) << ::testing::PrintToString(inv.problems);
    if (!c.usable) {
      ASSERT_FALSE(inv.problems.empty());
      EXPECT_THAT(inv.problems.front(), HasSubstr(c.first_problem));
    }
    EXPECT_EQ(inv.epc_bytes, c.epc_bytes);
  }
}

TEST(ProbeInventoryTest, ReferenceDumpsOnAnEmptyHost) {
  struct Case {
    std::string dump;
    std::string first_problem;
  };
  const Case cases[] = {
      {"GenuineIntel0090672_AlderLake_02_CPUID.txt", "CPU has no SGX (CPUID.7.0:EBX[2] is 0)"},
      {"AuthenticAMD0A10F11_K19_Genoa_02_CPUID.txt", "CPU has no SGX"},
      {"GenuineIntel00606A6_ICX_04_CPUID.txt", "SGX is disabled in BIOS"},
      {"GenuineIntel00C06F2_EmeraldRapids_03_CPUID.txt", "SGX is disabled in BIOS"},
      {"GenuineIntel00806E9_Kabylake_CPUID2.txt", "no SGX driver"},
      {"GenuineIntel00906EC_CoffeeLake_CPUID4.txt", "no SGX driver"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dump);
    TempDir empty;
    const Inventory inv = ProbeWithDump(empty, c.dump);
    ASSERT_FALSE(inv.SgxUsable());
    EXPECT_THAT(inv.problems.front(), HasSubstr(c.first_problem));
    EXPECT_THAT(inv.problems, Contains(HasSubstr("/dev/sgx_enclave")));
    EXPECT_THAT(inv.notes, Contains(HasSubstr("/proc/cpuinfo")));
  }
}

TEST(ProbeInventoryTest, KabyLakeWithANodeIsUsableButLacksLaunchControl) {
  TempDir dir;
  dir.Write("dev/isgx");
  const Inventory inv = ProbeWithDump(dir, "GenuineIntel00806E9_Kabylake_CPUID2.txt");
  EXPECT_TRUE(inv.SgxUsable()) << ::testing::PrintToString(inv.problems);
  EXPECT_EQ(inv.epc_bytes, 98041856u);
  EXPECT_EQ(inv.EnclaveNode(), "/dev/isgx");
  TempDir none;
  EXPECT_THAT(ProbeWithDump(none, "GenuineIntel00806E9_Kabylake_CPUID2.txt").notes,
              Contains(HasSubstr("SGX_LC")));
}

TEST(ProbeInventoryTest, CoffeeLakeDumpWithoutSubleavesNeedsSysfs) {
  TempDir without;
  without.Write("dev/sgx_enclave");
  const Inventory unknown = ProbeWithDump(without, "GenuineIntel00906EC_CoffeeLake_CPUID4.txt");
  EXPECT_THAT(unknown.problems, ElementsAre(HasSubstr("EPC size unknown")));
  EXPECT_THAT(unknown.notes, Contains(HasSubstr("EPC size unknown from CPUID")));

  TempDir with;
  with.Write("dev/sgx_enclave");
  with.Write("proc/cpuinfo", "flags\t\t: fpu sgx sgx_lc\n");
  with.Write("sys/devices/system/node/node0/x86/sgx_total_bytes", "98041856\n");
  const Inventory known = ProbeWithDump(with, "GenuineIntel00906EC_CoffeeLake_CPUID4.txt");
  EXPECT_TRUE(known.SgxUsable()) << ::testing::PrintToString(known.problems);
  EXPECT_EQ(known.epc_bytes, 98041856u);
  EXPECT_THAT(known.notes, ElementsAre(AllOf(HasSubstr("unknown from CPUID"), HasSubstr("sysfs")),
                                       HasSubstr("/var/run/aesmd")));
}

TEST(ProbeInventoryTest, BadSysfsValuesAreNotedAndSkipped) {
  TempDir dir;
  dir.Write("dev/sgx_enclave");
  dir.Write("proc/cpuinfo", "flags\t\t: sgx sgx_lc\n");
  const std::string node = "sys/devices/system/node/";
  dir.Write(node + "node0/x86/sgx_total_bytes", "-1\n");
  dir.Write(node + "node1/x86/sgx_total_bytes", "4294967296\n");
  dir.Write(node + "node2/x86/sgx_total_bytes", "99999999999999999999\n");
  dir.Write(node + "node10/x86/sgx_total_bytes", "9007199254740992\n");  // 2^53
  dir.Write(node + "node11/x86/sgx_total_bytes", "8192\n");
  dir.Mkdir(node + "node3");  // no EPC on this node: skipped silently
  dir.Write(node + "possible", "0-11\n");
  dir.Mkdir(node + "nodeX/x86");
  // CPUID knows the total (188 MiB): the incomplete split is dropped for it.
  const Inventory inv = ProbeWithDump(dir, "GenuineIntel00706E5_IceLakeY_CPUID.txt");
  EXPECT_THAT(inv.numa_epc, IsEmpty());
  EXPECT_EQ(inv.epc_bytes, 188u << 20);
  EXPECT_TRUE(inv.SgxUsable());
  EXPECT_THAT(inv.notes, Contains(HasSubstr(node + "node0/x86/sgx_total_bytes")));
  EXPECT_THAT(inv.notes, Contains(HasSubstr(node + "node2/x86/sgx_total_bytes")));
  EXPECT_THAT(inv.notes, Contains(HasSubstr(node + "node10/x86/sgx_total_bytes")));
  EXPECT_THAT(inv.notes, Contains(HasSubstr("using the CPUID total without topology")));
  // A dump without EPC sub-leaves knows no total: the good nodes are the best there is.
  const Inventory unknown = ProbeWithDump(dir, "GenuineIntel00906EC_CoffeeLake_CPUID4.txt");
  EXPECT_THAT(unknown.numa_epc, ElementsAre(NumaEpc{1, 4 * kGiB}, NumaEpc{11, 8192}));
  EXPECT_EQ(unknown.epc_bytes, 4 * kGiB + 8192);
}

TEST(ProbeInventoryTest, KernelFlagWithoutCpuSgxSuspectsAForeignDump) {
  TempDir dir;
  dir.Write("proc/cpuinfo", "flags\t\t: sgx sgx_lc\n");
  const Inventory inv = ProbeWithDump(dir, "GenuineIntel0090672_AlderLake_02_CPUID.txt");
  EXPECT_THAT(inv.notes, Contains(HasSubstr("another machine")));
}

TEST(ProbeInventoryTest, VirtualMachineWithoutLeaf12InTheDumpUsesSysfs) {
  CpuidTable table;
  table[{0, 0}] = {0x1B, 0, 0, 0};
  table[{7, 0}] = {0, 1u << 2, 1u << 30, 0};
  TempDir dir;
  dir.Write("dev/sgx_enclave");
  dir.Write("proc/cpuinfo", "flags\t\t: sgx sgx_lc\n");
  dir.Write("sys/devices/system/node/node0/x86/sgx_total_bytes", "4294967296\n");
  const Inventory inv = ProbeInventory(HostRoot(dir.path()), TableCpuidSource(table));
  EXPECT_EQ(inv.cpuid.epc_state, EpcCpuidState::kUnknown);
  EXPECT_TRUE(inv.SgxUsable()) << ::testing::PrintToString(inv.problems);
  EXPECT_EQ(inv.epc_bytes, 4 * kGiB);
}

TEST(ProbeInventoryTest, LeafSevenMissingOrMaxLeafTooLow) {
  CpuidTable no_leaf7;
  no_leaf7[{0, 0}] = {0x1B, 0, 0, 0};
  TempDir dir;
  EXPECT_THAT(ProbeInventory(HostRoot(dir.path()), TableCpuidSource(no_leaf7)).problems.front(),
              HasSubstr("no leaf 7"));
  CpuidTable low = no_leaf7;
  low[{0, 0}].eax = 0x10;
  low[{7, 0}] = {0, 1u << 2, 0, 0};
  EXPECT_THAT(ProbeInventory(HostRoot(dir.path()), TableCpuidSource(low)).problems.front(),
              HasSubstr("below 0x12"));
}

TEST(InventoryTest, DriverNames) {
  EXPECT_STREQ(SgxDriverName(SgxDriver::kInKernel), "in-kernel");
  EXPECT_STREQ(SgxDriverName(SgxDriver::kDcap), "dcap");
  EXPECT_STREQ(SgxDriverName(SgxDriver::kLegacy), "legacy");
  EXPECT_STREQ(SgxDriverName(SgxDriver::kNone), "none");
  Inventory dcap122;
  dcap122.driver = SgxDriver::kDcap;
  dcap122.device_nodes = {"/dev/sgx", "/dev/sgx_prv"};
  EXPECT_EQ(dcap122.EnclaveNode(), "/dev/sgx");
  EXPECT_EQ(Inventory{}.EnclaveNode(), "");
}

}  // namespace
}  // namespace teedp::hw

namespace teedp::hw {
namespace {

TEST(ProbeInventoryTest, OneBadSysfsNodeFallsBackToTheWholeCpuidTotal) {
  TempDir dir;
  Inventory healthy = ProbeSimulated(dir, "numa=4GiB,4GiB");
  ASSERT_EQ(healthy.numa_epc.size(), 2u);
  // node0's value turns to junk: counting node1 alone would hide half the EPC.
  std::ofstream(dir.path() + "/sys/devices/system/node/node0/x86/sgx_total_bytes") << "0x100\n";
  auto cpuid = LoadCpuidDump(dir.path() + "/cpuid.txt");
  ASSERT_TRUE(cpuid.ok());
  Inventory inv = ProbeInventory(HostRoot(dir.path()), **cpuid);
  EXPECT_THAT(inv.numa_epc, IsEmpty());
  EXPECT_EQ(inv.epc_bytes, 8 * kGiB);
  EXPECT_THAT(inv.notes, Contains(HasSubstr("node0/x86/sgx_total_bytes")));
  EXPECT_THAT(inv.notes, Contains(HasSubstr("using the CPUID total without topology")));
}

TEST(ProbeInventoryTest, OneSysfsFileMissingWhileOthersHaveItFallsBackToTheCpuidTotal) {
  TempDir dir;
  ProbeSimulated(dir, "numa=4GiB,4GiB");
  // The kernel shows sgx_total_bytes on every node or on none: node1 alone lacking it must not
  // make its EPC vanish.
  std::filesystem::remove(dir.path() + "/sys/devices/system/node/node1/x86/sgx_total_bytes");
  auto cpuid = LoadCpuidDump(dir.path() + "/cpuid.txt");
  ASSERT_TRUE(cpuid.ok());
  Inventory inv = ProbeInventory(HostRoot(dir.path()), **cpuid);
  EXPECT_THAT(inv.numa_epc, IsEmpty());
  EXPECT_EQ(inv.epc_bytes, 8 * kGiB);
  EXPECT_THAT(inv.notes, Contains(HasSubstr("node1/x86/sgx_total_bytes is missing")));
}

}  // namespace
}  // namespace teedp::hw

namespace teedp::hw {
namespace {

TEST(ProbeInventoryTest, AbsoluteSymlinksResolveInsideTheHostRoot) {
  TempDir dir;
  ProbeSimulated(dir, "numa=1GiB");
  // Debian's /var/run is a symlink to /run: under --host-root it must mean <root>/run.
  std::filesystem::create_directories(dir.path() + "/run/aesmd");
  std::filesystem::create_directories(dir.path() + "/var");
  std::filesystem::remove_all(dir.path() + "/var/run");
  std::filesystem::create_directory_symlink("/run", dir.path() + "/var/run");
  // A parent folder that is an absolute symlink too: /dev/sgx -> /dev/dcap.
  std::filesystem::create_directories(dir.path() + "/dev/dcap");
  std::ofstream(dir.path() + "/dev/dcap/enclave").put('\n');
  std::filesystem::create_directory_symlink("/dev/dcap", dir.path() + "/dev/sgx");
  HostRoot root(dir.path());
  EXPECT_TRUE(root.IsDirectory("/var/run/aesmd"));
  EXPECT_TRUE(root.Exists("/dev/sgx/enclave"));
  EXPECT_FALSE(root.Exists("/dev/sgx/provision"));
  EXPECT_EQ(*root.Resolve("/var/run/aesmd"), dir.path() + "/run/aesmd");
  EXPECT_EQ(*root.Resolve("/var/run/../run/./aesmd"), dir.path() + "/run/aesmd");
  auto cpuid = LoadCpuidDump(dir.path() + "/cpuid.txt");
  ASSERT_TRUE(cpuid.ok());
  EXPECT_TRUE(ProbeInventory(root, **cpuid).aesmd_socket_dir);
}

}  // namespace
}  // namespace teedp::hw
