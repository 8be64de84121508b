// Bad input at the command line and on the host: corrupt CPUID dumps, absurd sysfs values and
// CPUID sizes. Usage errors exit 2 naming the input; odd hardware is reported, never crashes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& content) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string SimulatedRoot(const TempDir& dir, const std::string& spec) {
  auto node = hw::ParseSimulatedNodeSpec(spec);
  EXPECT_TRUE(node.ok()) << node.status();
  EXPECT_TRUE(hw::WriteSimulatedNode(dir.path(), *node).ok());
  return dir.path();
}

TEST(BadInputCliTest, CorruptCpuidDumpsAreUsageErrorsNamingTheFileAndLine) {
  TempDir dir;
  std::mt19937 random(42);
  std::string binary(64 * 1024, '\0');
  for (char& byte : binary) byte = static_cast<char>(random() & 0xff);
  struct Case {
    std::string name;
    std::string content;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"binary.txt", binary, "binary.txt"},
      {"truncated.txt", "CPUID 00000000: 0000001B-756E", "line 1"},
      {"nonhex.txt", "CPUID 00000000: 0000001B-756E6547-6C65746E-4965ZZZZ\n", "line 1"},
      {"cut-raw.txt", "CPU 0:\n   0x00000000 0x00: eax=0x0000001b ebx=0x756e", "line 2"},
      {"empty.txt", "", "no CPUID register lines"},
      {"text.txt", std::string(100000, 'x'), "no CPUID register lines"},
  };
  for (const Case& c : cases) {
    const std::string path = WriteFile(dir, c.name, c.content);
    for (const std::string command : {"detect", "serve"}) {
      std::vector<std::string> args = {command, "--cpuid-dump", path, "--host-root", dir.path()};
      if (command == "serve") args.insert(args.end(), {"--plugin-dir", dir.path() + "/dp"});
      auto result = RunBinary(args);
      EXPECT_EQ(result.exit_code, 2) << command << " " << c.name << "\n" << result.err;
      EXPECT_THAT(result.err, HasSubstr(path)) << command << " " << c.name;
      EXPECT_THAT(result.err, HasSubstr(c.says)) << command << " " << c.name;
      EXPECT_LT(result.err.size(), 2000u) << "a short message, not the file echoed back";
    }
  }
  auto folder = RunBinary({"detect", "--cpuid-dump", dir.path()});
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
  EXPECT_THAT(folder.err, HasSubstr(dir.path()));
}

TEST(BadInputCliTest, AbsurdSysfsValuesAreNamedAndNeverOvercount) {
  for (const std::string& value :
       std::vector<std::string>{"-1", "18446744073709551616", "lots", "", "1.5e9",
                                std::string("\x01\x02", 2), "18446744073709551615"}) {
    TempDir dir;
    const std::string root = SimulatedRoot(dir, "numa=1GiB,1GiB");
    const std::string file = "/sys/devices/system/node/node1/x86/sgx_total_bytes";
    std::ofstream(root + file) << value;
    auto text = RunBinary({"detect", "--host-root", root, "--cpuid-dump", root + "/cpuid.txt"});
    EXPECT_EQ(text.exit_code, 0) << value << "\n" << text.err;
    EXPECT_THAT(text.out, HasSubstr(file)) << "names the file, value '" << value << "'";
    auto json =
        RunBinary({"detect", "--json", "--host-root", root, "--cpuid-dump", root + "/cpuid.txt"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    // The CPUID total without topology: never more units than the node has.
    EXPECT_EQ(nlohmann::json::parse(json.out)["resources"][0]["units"], 2048) << value;
  }
}

// Leaf 0x12 sub-leaf `subleaf` in `cpuid -r` form, describing an EPC section of `size` bytes.
std::string EpcSectionLine(int subleaf, uint64_t size) {
  char line[160];
  std::snprintf(line, sizeof(line),
                "   0x00000012 0x%02x: eax=0x00000001 ebx=0x00000000 ecx=0x%08x edx=0x%08x\n",
                subleaf, static_cast<unsigned>((size & 0xfffff000u) | 0x1u),
                static_cast<unsigned>((size >> 32) & 0xfffffu));
  return line;
}

TEST(BadInputCliTest, AbsurdCpuidEpcSizesAreCappedNotOverflowed) {
  TempDir dir;
  const std::string root = SimulatedRoot(dir, "numa=1GiB sysfs=off");
  std::ifstream in(root + "/cpuid.txt");
  std::string dump, line;
  int replaced = 0;
  while (std::getline(in, line)) {
    if (line.find("0x00000012 0x02:") != std::string::npos) {
      // The largest section CPUID can describe (about 4 PiB), 38 times over.
      for (int subleaf = 2; subleaf < 40; ++subleaf) dump += EpcSectionLine(subleaf, ~0ull);
      ++replaced;
    } else if (line.find("0x00000012 0x0") == std::string::npos ||
               line.find("0x00000012 0x00:") != std::string::npos ||
               line.find("0x00000012 0x01:") != std::string::npos) {
      dump += line + "\n";
    }
  }
  ASSERT_EQ(replaced, 1) << "the simulated dump's format changed";
  const std::string path = WriteFile(dir, "absurd.txt", dump);
  auto result = RunBinary({"detect", "--json", "--host-root", root, "--cpuid-dump", path});
  ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
  auto json = nlohmann::json::parse(result.out);
  // Listed units never exceed what one ListAndWatch message may carry (about 223 Ki at 1 MiB).
  EXPECT_GT(json["resources"][0]["units"].get<int64_t>(), 100000) << result.out;
  EXPECT_LE(json["resources"][0]["units"].get<int64_t>(), 250000) << result.out;
  auto text = RunBinary({"detect", "--host-root", root, "--cpuid-dump", path});
  EXPECT_THAT(text.out, HasSubstr("ADVERTISING ONLY PART")) << text.out;
}

}  // namespace
}  // namespace teedp::testing
