// CpuidSource implementations: the instruction, a table, and loading a dump file.
#include "hw/cpuid_source.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/bounded_read.h"
#include "hw/cpuid_dump_parser.h"

namespace teedp::hw {
namespace {

// A dump is a text file of at most a few hundred KiB; the limit only stops a wrong path (a disk
// image, /dev/zero) from filling memory.
constexpr size_t kMaxDumpBytes = 16 << 20;

}  // namespace

std::optional<CpuidRegs> NativeCpuidSource::Query(uint32_t leaf, uint32_t subleaf) const {
  CpuidRegs regs;
#if defined(__x86_64__) || defined(__i386__)
  // __get_cpuid_count refuses leaves above the maximum of their range; those read as zero here
  // instead of Intel's "data of the highest basic leaf", which would only confuse decoding.
  if (__get_cpuid_count(leaf, subleaf, &regs.eax, &regs.ebx, &regs.ecx, &regs.edx) == 0) {
    return CpuidRegs{};
  }
#else
  (void)leaf;
  (void)subleaf;
#endif
  return regs;
}

std::optional<CpuidRegs> TableCpuidSource::Query(uint32_t leaf, uint32_t subleaf) const {
  auto it = table_.find({leaf, subleaf});
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::unique_ptr<CpuidSource>> LoadCpuidDump(const std::string& path) {
  // The dump path is the operator's own file, not part of the probed host: read it as given,
  // relative paths from the working directory, not through a HostRoot.
  absl::StatusOr<std::string> text =
      ReadFileAtMost(path, kMaxDumpBytes, absl::StrCat("CPUID dump ", path));
  if (!text.ok()) return text.status();
  absl::StatusOr<CpuidTable> table = ParseCpuidDump(*text);
  if (!table.ok()) {
    return absl::Status(table.status().code(),
                        absl::StrCat("CPUID dump ", path, ": ", table.status().message()));
  }
  return std::make_unique<TableCpuidSource>(*std::move(table));
}

}  // namespace teedp::hw
