// ParseSimulatedNodeSpec, SimulatedCpuidDump round trips, and the files WriteSimulatedNode makes.
#include "hw/simulated_node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "hw/cpuid_dump_parser.h"
#include "hw/cpuid_source.h"
#include "hw/inventory.h"
#include "hw/sgx_cpuid.h"
#include "support/temp_dir.h"

namespace teedp::hw {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(ParseSimulatedNodeSpecTest, DefaultsAndEveryKey) {
  auto defaults = ParseSimulatedNodeSpec("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->numa_epc_bytes, (std::vector<uint64_t>{4 * kGiB, 4 * kGiB}));
  EXPECT_EQ(defaults->driver, SgxDriver::kInKernel);
  EXPECT_TRUE(defaults->numa_sysfs && defaults->cpuinfo_flags && defaults->sgx_enabled);
  EXPECT_FALSE(defaults->aesmd);

  auto all = ParseSimulatedNodeSpec(
      "  numa=64GiB,512MiB,1TiB driver=dcap sysfs=off flags=off sgx=off aesmd=on ");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->numa_epc_bytes, (std::vector<uint64_t>{64 * kGiB, 512 << 20, 1024 * kGiB}));
  EXPECT_EQ(all->driver, SgxDriver::kDcap);
  EXPECT_FALSE(all->numa_sysfs || all->cpuinfo_flags || all->sgx_enabled);
  EXPECT_TRUE(all->aesmd);
  EXPECT_EQ(ParseSimulatedNodeSpec("driver=legacy")->driver, SgxDriver::kLegacy);
  EXPECT_EQ(ParseSimulatedNodeSpec("driver=none")->driver, SgxDriver::kNone);
}

TEST(ParseSimulatedNodeSpecTest, ErrorsNameTheKeyAndValue) {
  struct Case {
    std::string spec;
    std::string says;
  };
  const Case cases[] = {
      {"numa=4GB", "numa=4GB"},
      {"numa=", "numa="},
      {"numa=4GiB,,4GiB", "numa=4GiB,,4GiB"},
      {"numa=1000", "4 KiB"},
      {"numa=512TiB", "256 TiB"},
      {"numa=1G,1G,1G,1G,1G,1G,1G,1G,1G", "numa="},
      {"numa=1GiB,1GiB,1GiB,1GiB,1GiB,1GiB,1GiB,1GiB,1GiB", "at most 8"},
      {"driver=nvidia", "driver=nvidia"},
      {"sysfs=yes", "sysfs=yes"},
      {"flags=1", "flags=1"},
      {"sgx=", "sgx="},
      {"aesmd=ON", "aesmd=ON"},
      {"colour=blue", "colour=blue"},
      {"sgx=gone", "on, off or absent"},
      {"guest=sev", "guest=sev"},
      {"guest=tdx,,tpm", "guest=tdx,,tpm"},
      {"numa", "expected key=value"},
      {"sgx=on sgx=off", "given twice"},
  };
  for (const Case& c : cases) {
    auto node = ParseSimulatedNodeSpec(c.spec);
    ASSERT_FALSE(node.ok()) << c.spec;
    EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(node.status().message(), HasSubstr(c.says)) << c.spec;
  }
}

TEST(SimulatedCpuidDumpTest, RoundTripsThroughParserAndDecoder) {
  const std::vector<std::vector<uint64_t>> layouts = {
      {4 * kGiB},
      {4 * kGiB, 4 * kGiB},
      {0x7E1FF000, 4096, 0},
      {uint64_t{1} << 48, uint64_t{1} << 48, 1024 * kGiB, 1, 2, 3, 4, 5},
  };
  for (std::vector<uint64_t> sizes : layouts) {
    for (uint64_t& size : sizes) size &= ~uint64_t{0xFFF};
    SimulatedNode node;
    node.numa_epc_bytes = sizes;
    auto table = ParseCpuidDump(SimulatedCpuidDump(node));
    ASSERT_TRUE(table.ok()) << table.status();
    const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(*table));
    EXPECT_TRUE(sgx.sgx && sgx.sgx_lc && sgx.sgx1 && sgx.sgx2);
    EXPECT_EQ(sgx.max_enclave_bits_64, 56u);
    EXPECT_EQ(sgx.epc_state, EpcCpuidState::kSections);
    ASSERT_EQ(sgx.sections.size(), sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      EXPECT_EQ(sgx.sections[i].size, sizes[i]);
      EXPECT_EQ(sgx.sections[i].property, 1u);
      if (i > 0) {
        EXPECT_GE(sgx.sections[i].base, sgx.sections[i - 1].base + sizes[i - 1]);
      }
    }
  }
}

TEST(SimulatedCpuidDumpTest, DisabledSgxDecodesAsDisabled) {
  SimulatedNode node;
  node.sgx_enabled = false;
  auto table = ParseCpuidDump(SimulatedCpuidDump(node));
  ASSERT_TRUE(table.ok());
  const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(*table));
  EXPECT_TRUE(sgx.sgx);
  EXPECT_EQ(sgx.epc_state, EpcCpuidState::kDisabled);
}

TEST(WriteSimulatedNodeTest, WritesTheTreeForEachDriver) {
  struct Case {
    std::string spec;
    std::vector<std::string> present;
    std::vector<std::string> absent;
  };
  const Case cases[] = {
      {"aesmd=on",
       {"dev/sgx_enclave", "dev/sgx_provision", "dev/sgx_vepc", "var/run/aesmd", "cpuid.txt",
        "proc/cpuinfo", "sys/devices/system/node/node1/x86/sgx_total_bytes"},
       {"dev/isgx", "dev/sgx"}},
      {"driver=dcap", {"dev/sgx/enclave", "dev/sgx/provision"}, {"dev/sgx_enclave", "var/run"}},
      {"driver=legacy sysfs=off",
       {"dev/isgx", "sys/devices/system/node/node0"},
       {"sys/devices/system/node/node0/x86"}},
      {"driver=none", {"proc/cpuinfo"}, {"dev"}},
  };
  for (const Case& c : cases) {
    TempDir dir;
    auto node = ParseSimulatedNodeSpec(c.spec);
    ASSERT_TRUE(node.ok());
    ASSERT_TRUE(WriteSimulatedNode(dir.path() + "/host", *node).ok()) << c.spec;
    for (const std::string& path : c.present) {
      EXPECT_TRUE(std::filesystem::exists(dir.path() + "/host/" + path)) << c.spec << " " << path;
    }
    for (const std::string& path : c.absent) {
      EXPECT_FALSE(std::filesystem::exists(dir.path() + "/host/" + path)) << c.spec << " " << path;
    }
  }
}

TEST(ParseSimulatedNodeSpecTest, ConfidentialGuestWithoutSgx) {
  auto node = ParseSimulatedNodeSpec("sgx=absent driver=none guest=tsm-report,tdx,tdx");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_FALSE(node->sgx_in_cpu);
  EXPECT_EQ(node->guest, (std::vector<GuestTee>{GuestTee::kTdx, GuestTee::kTsmReport}));
  EXPECT_TRUE(ParseSimulatedNodeSpec("guest=none")->guest.empty());
  auto table = ParseCpuidDump(SimulatedCpuidDump(*node));
  ASSERT_TRUE(table.ok());
  const SgxCpuid sgx = DecodeSgxCpuid(TableCpuidSource(*table));
  EXPECT_FALSE(sgx.sgx);
  EXPECT_FALSE(sgx.sgx_lc);
  EXPECT_EQ(sgx.epc_state, EpcCpuidState::kNoSgx);
}

TEST(WriteSimulatedNodeTest, WritesGuestInterfacesAndNoSgxTraces) {
  TempDir dir;
  auto node = ParseSimulatedNodeSpec("sgx=absent driver=none guest=tdx,sev-snp,tpm,tsm-report");
  ASSERT_TRUE(node.ok());
  ASSERT_TRUE(WriteSimulatedNode(dir.path(), *node).ok());
  auto cpuid = LoadCpuidDump(dir.path() + "/cpuid.txt");
  ASSERT_TRUE(cpuid.ok());
  const Inventory inv = ProbeInventory(HostRoot(dir.path()), **cpuid);
  ASSERT_EQ(inv.guest_devices.size(), 4u);
  EXPECT_EQ(inv.guest_devices[3].path, "/sys/kernel/config/tsm/report");
  EXPECT_FALSE(inv.kernel.sgx);
  EXPECT_TRUE(inv.numa_epc.empty());
  EXPECT_FALSE(inv.SgxUsable());
}

TEST(WriteSimulatedNodeTest, ReportsAPathItCannotWrite) {
  TempDir dir;
  dir.Write("file");
  absl::Status status = WriteSimulatedNode(dir.path() + "/file", SimulatedNode{});
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(dir.path() + "/file"));
}

}  // namespace
}  // namespace teedp::hw
