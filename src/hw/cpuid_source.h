// Provides CpuidSource, the one way the hardware layer reads CPUID: the real instruction, or a
// table parsed from a dump file so tests and operators can replay another machine.
// Thread safety: implementations are immutable after construction and safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace teedp::hw {

struct CpuidRegs {
  uint32_t eax = 0;
  uint32_t ebx = 0;
  uint32_t ecx = 0;
  uint32_t edx = 0;
  friend bool operator==(const CpuidRegs&, const CpuidRegs&) = default;
};

class CpuidSource {
 public:
  virtual ~CpuidSource() = default;
  // Returns the registers for (leaf, subleaf), or nullopt when this source does not know them
  // (a dump that did not record that leaf). The real instruction always answers.
  virtual std::optional<CpuidRegs> Query(uint32_t leaf, uint32_t subleaf) const = 0;
};

// Executes the CPUID instruction on the current CPU.
class NativeCpuidSource final : public CpuidSource {
 public:
  std::optional<CpuidRegs> Query(uint32_t leaf, uint32_t subleaf) const override;
};

// Register values keyed by (leaf, subleaf), as recorded in a dump.
using CpuidTable = std::map<std::pair<uint32_t, uint32_t>, CpuidRegs>;

// Answers from a table (usually parsed by ParseCpuidDump in cpuid_dump_parser.h).
class TableCpuidSource final : public CpuidSource {
 public:
  explicit TableCpuidSource(CpuidTable table) : table_(std::move(table)) {}
  std::optional<CpuidRegs> Query(uint32_t leaf, uint32_t subleaf) const override;
  const CpuidTable& table() const { return table_; }

 private:
  CpuidTable table_;
};

// Reads and parses `path` (either dump format). Errors name the file and, for parse errors, the
// line: NotFound/PermissionDenied when unreadable, InvalidArgument when no register line parses.
absl::StatusOr<std::unique_ptr<CpuidSource>> LoadCpuidDump(const std::string& path);

}  // namespace teedp::hw
