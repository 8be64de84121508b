// Simulated SGX nodes: spec parsing, a `cpuid -r` dump and a host-root tree on disk.
#include "hw/simulated_node.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/byte_size.h"

namespace teedp::hw {
namespace {

std::string S(std::string_view s) { return std::string(s); }

absl::Status Bad(std::string_view key, std::string_view value, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("simulated node spec: ", S(key), "=", S(value), ": ", S(why)));
}

absl::StatusOr<bool> ParseOnOff(std::string_view key, std::string_view value) {
  if (value == "on") return true;
  if (value == "off") return false;
  return Bad(key, value, "expected on or off");
}

absl::StatusOr<SgxDriver> ParseDriver(std::string_view value) {
  for (SgxDriver driver :
       {SgxDriver::kInKernel, SgxDriver::kDcap, SgxDriver::kLegacy, SgxDriver::kNone}) {
    if (value == SgxDriverName(driver)) return driver;
  }
  return Bad("driver", value, "expected in-kernel, dcap, legacy or none");
}

absl::StatusOr<std::vector<uint64_t>> ParseNuma(std::string_view value) {
  std::vector<uint64_t> sizes;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(value.data(), value.size()), ',')) {
    absl::StatusOr<uint64_t> bytes = ParseByteSize(std::string_view(part.data(), part.size()));
    if (!bytes.ok()) return Bad("numa", value, std::string(bytes.status().message()));
    if (*bytes % 4096 != 0) return Bad("numa", value, "EPC sizes are multiples of 4 KiB");
    if (*bytes > kMaxSimulatedNodeEpc) return Bad("numa", value, "at most 256 TiB per node");
    sizes.push_back(*bytes);
  }
  if (sizes.size() > kMaxSimulatedNumaNodes) {
    return Bad("numa", value, "at most 8 nodes (CPUID enumerates 8 EPC sections)");
  }
  return sizes;
}

absl::StatusOr<std::vector<GuestTee>> ParseGuest(std::string_view value) {
  std::vector<GuestTee> tees;
  if (value == "none") return tees;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(value.data(), value.size()), ',')) {
    std::optional<GuestTee> tee = GuestTeeFromName(std::string_view(part.data(), part.size()));
    if (!tee)
      return Bad("guest", value, "expected none or a list of tdx, sev-snp, tpm, tsm-report");
    if (std::find(tees.begin(), tees.end(), *tee) == tees.end()) tees.push_back(*tee);
  }
  std::sort(tees.begin(), tees.end());  // kGuestTees order is the enum's order
  return tees;
}

absl::Status ApplySgx(std::string_view value, SimulatedNode* node) {
  if (value == "absent") {
    node->sgx_in_cpu = false;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> on = ParseOnOff("sgx", value);
  if (!on.ok()) return Bad("sgx", value, "expected on, off or absent");
  node->sgx_enabled = *on;
  return absl::OkStatus();
}

absl::Status ApplyKey(std::string_view key, std::string_view value, SimulatedNode* node) {
  auto set_flag = [&](bool* field) -> absl::Status {
    absl::StatusOr<bool> on = ParseOnOff(key, value);
    if (!on.ok()) return on.status();
    *field = *on;
    return absl::OkStatus();
  };
  if (key == "numa") {
    absl::StatusOr<std::vector<uint64_t>> sizes = ParseNuma(value);
    if (!sizes.ok()) return sizes.status();
    node->numa_epc_bytes = *std::move(sizes);
    return absl::OkStatus();
  }
  if (key == "driver") {
    absl::StatusOr<SgxDriver> driver = ParseDriver(value);
    if (!driver.ok()) return driver.status();
    node->driver = *driver;
    return absl::OkStatus();
  }
  if (key == "sysfs") return set_flag(&node->numa_sysfs);
  if (key == "flags") return set_flag(&node->cpuinfo_flags);
  if (key == "sgx") return ApplySgx(value, node);
  if (key == "aesmd") return set_flag(&node->aesmd);
  if (key == "guest") {
    absl::StatusOr<std::vector<GuestTee>> tees = ParseGuest(value);
    if (!tees.ok()) return tees.status();
    node->guest = *std::move(tees);
    return absl::OkStatus();
  }
  return Bad(key, value, "unknown key (numa, driver, sysfs, flags, sgx, aesmd, guest)");
}

std::string DumpLine(uint32_t leaf, uint32_t subleaf, uint32_t a, uint32_t b, uint32_t c,
                     uint32_t d) {
  return absl::StrFormat("   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", leaf,
                         subleaf, a, b, c, d);
}

constexpr uint32_t LowBits(uint64_t v) { return static_cast<uint32_t>(v & 0xFFFFF000); }
constexpr uint32_t HighBits(uint64_t v) { return static_cast<uint32_t>((v >> 32) & 0xFFFFF); }

std::string CpuinfoText(const SimulatedNode& node) {
  const bool listed = node.cpuinfo_flags && node.sgx_in_cpu;
  const std::string sgx = listed ? " sgx" : "";
  const std::string sgx_lc = listed ? " sgx_lc" : "";
  return absl::StrCat(
      "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 106\n"
      "model name\t: Intel(R) Xeon(R) Gold 6336Y CPU @ 2.40GHz (simulated)\nstepping\t: 6\n"
      "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
      "clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm "
      "constant_tsc arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf "
      "pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid "
      "dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand "
      "lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 invpcid_single ssbd mba ibrs ibpb stibp "
      "ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust",
      sgx,
      " bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a avx512f avx512dq rdseed adx smap avx512ifma "
      "clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 "
      "xsaves wbnoinvd dtherm ida arat pln pts avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes "
      "vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq la57 rdpid",
      sgx_lc, " fsrm md_clear pconfig flush_l1d arch_capabilities\n",
      "bugs\t\t: spectre_v1 spectre_v2 spec_store_bypass swapgs\n\n");
}

absl::Status WriteFile(const std::filesystem::path& path, std::string_view content) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (error || !out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

std::vector<std::string> DeviceFiles(SgxDriver driver) {
  switch (driver) {
    case SgxDriver::kInKernel:
      return {"dev/sgx_enclave", "dev/sgx_provision", "dev/sgx_vepc"};
    case SgxDriver::kDcap:
      return {"dev/sgx/enclave", "dev/sgx/provision"};
    case SgxDriver::kLegacy:
      return {"dev/isgx"};
    case SgxDriver::kNone:
      break;
  }
  return {};
}

absl::Status WriteGuestInterfaces(const std::filesystem::path& root,
                                  const std::vector<GuestTee>& tees) {
  for (GuestTee tee : tees) {
    // The first probed path is the upstream spelling.
    const std::filesystem::path path = root / std::string(GuestTeePaths(tee).front()).substr(1);
    if (tee != GuestTee::kTsmReport) {
      if (absl::Status status = WriteFile(path, ""); !status.ok()) return status;
      continue;
    }
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) return absl::InternalError(absl::StrCat("cannot create ", path.string()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SimulatedNode> ParseSimulatedNodeSpec(std::string_view spec) {
  SimulatedNode node;
  std::set<std::string> seen;
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(spec.data(), spec.size()), ' ', absl::SkipEmpty())) {
    const size_t eq = item.find('=');
    const std::string_view key(item.data(), eq == absl::string_view::npos ? item.size() : eq);
    if (eq == absl::string_view::npos) return Bad(key, "", "expected key=value");
    const std::string_view value(item.data() + eq + 1, item.size() - eq - 1);
    if (!seen.insert(S(key)).second) return Bad(key, value, "given twice");
    if (absl::Status status = ApplyKey(key, value, &node); !status.ok()) return status;
  }
  return node;
}

std::string SimulatedCpuidDump(const SimulatedNode& node) {
  std::string out = "CPU:\n";
  out += DumpLine(0, 0, 0x1B, 0x756E6547, 0x6C65746E, 0x49656E69);  // GenuineIntel
  out += DumpLine(1, 0, 0x000606A6, 0x00400800, 0x7FFEFBFF, 0xBFEBFBFF);
  if (!node.sgx_in_cpu) {  // SGX and SGX_LC clear, no leaf 0x12 at all
    out += DumpLine(7, 0, 0, 0xF3BFBFFB, 0x00417F5E, 0xBC040412);
    return out;
  }
  out += DumpLine(7, 0, 0, 0xF3BFBFFF, 0x40417F5E, 0xBC040412);  // SGX and SGX_LC set
  if (!node.sgx_enabled) {  // what a BIOS with SGX off reports: the leaf is all zero
    for (uint32_t subleaf = 0; subleaf < 3; ++subleaf) out += DumpLine(0x12, subleaf, 0, 0, 0, 0);
    return out;
  }
  out += DumpLine(0x12, 0, 0x3, 0x1, 0, 0x381F);  // SGX1, SGX2, 2^56-byte enclaves in 64-bit
  out += DumpLine(0x12, 1, 0xB6, 0, 0x2E7, 0);
  const size_t sections = std::min<size_t>(node.numa_epc_bytes.size(), kMaxSimulatedNumaNodes);
  for (size_t i = 0; i < sections; ++i) {
    // Sections 512 TiB apart from 4 GiB up, so eight of the largest still fit in 52 bits.
    const uint64_t base = (uint64_t{1} << 32) + (uint64_t{i} << 49);
    const uint64_t size = std::min(node.numa_epc_bytes[i], kMaxSimulatedNodeEpc);
    out += DumpLine(0x12, static_cast<uint32_t>(2 + i), LowBits(base) | 1, HighBits(base),
                    LowBits(size) | 1, HighBits(size));
  }
  out += DumpLine(0x12, static_cast<uint32_t>(2 + sections), 0, 0, 0, 0);
  out += DumpLine(0x80000000, 0, 0x80000008, 0, 0, 0);
  return out;
}

absl::Status WriteSimulatedNode(const std::string& dir, const SimulatedNode& node) {
  const std::filesystem::path root(dir);
  for (const std::string& device : DeviceFiles(node.driver)) {
    if (absl::Status status = WriteFile(root / device, ""); !status.ok()) return status;
  }
  if (absl::Status status = WriteFile(root / "proc/cpuinfo", CpuinfoText(node)); !status.ok()) {
    return status;
  }
  for (size_t i = 0; i < node.numa_epc_bytes.size(); ++i) {
    const std::filesystem::path node_dir =
        root / "sys/devices/system/node" / absl::StrCat("node", i);
    // The kernel only creates x86/sgx_total_bytes with SGX up; the node directory is always there.
    const std::string content = absl::StrCat(node.numa_epc_bytes[i], "\n");
    absl::Status status = node.numa_sysfs && node.sgx_enabled && node.sgx_in_cpu
                              ? WriteFile(node_dir / "x86/sgx_total_bytes", content)
                              : WriteFile(node_dir / "cpulist", absl::StrCat(i, "\n"));
    if (!status.ok()) return status;
  }
  if (node.aesmd) {
    std::error_code error;
    std::filesystem::create_directories(root / "var/run/aesmd", error);
    if (error) return absl::InternalError(absl::StrCat("cannot create ", dir, "/var/run/aesmd"));
  }
  if (absl::Status status = WriteGuestInterfaces(root, node.guest); !status.ok()) return status;
  return WriteFile(root / "cpuid.txt", SimulatedCpuidDump(node));
}

}  // namespace teedp::hw
