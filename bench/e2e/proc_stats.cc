#include "e2e/proc_stats.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace teedp::bench {
namespace {

// The number after "<key>:" in a /proc status file (its unit, if any, is left to the caller);
// nullopt when the file cannot be read or has no such line.
std::optional<uint64_t> StatusField(const std::string& path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest(line);
    if (!absl::ConsumePrefix(&rest, absl::string_view(key.data(), key.size())) ||
        !absl::ConsumePrefix(&rest, ":")) {
      continue;
    }
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    uint64_t value = 0;
    if (absl::SimpleAtoi(rest, &value)) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

std::string ProcDir(pid_t pid) { return absl::StrCat("/proc/", pid); }

// The thread's name without the trailing newline; "?" when it ended meanwhile.
std::string ThreadName(const std::filesystem::path& task) {
  std::ifstream in(task / "comm");
  std::string name;
  if (!std::getline(in, name) || name.empty()) return "?";
  return name;
}

}  // namespace

absl::StatusOr<ResidentMemory> ReadResidentMemory(pid_t pid) {
  const std::string path = ProcDir(pid) + "/status";
  if (!std::filesystem::exists(path)) return absl::NotFoundError(absl::StrCat(path, " is gone"));
  std::optional<uint64_t> total_kib = StatusField(path, "VmRSS");
  std::optional<uint64_t> anon_kib = StatusField(path, "RssAnon");
  std::optional<uint64_t> file_kib = StatusField(path, "RssFile");
  if (!total_kib || !anon_kib || !file_kib) {
    return absl::InternalError(absl::StrCat("no VmRSS, RssAnon or RssFile in ", path));
  }
  return ResidentMemory{.total_bytes = *total_kib * 1024,
                        .anon_bytes = *anon_kib * 1024,
                        .file_bytes = *file_kib * 1024};
}

absl::StatusOr<ThreadSwitches> ReadThreadSwitches(pid_t pid) {
  const std::string task_dir = ProcDir(pid) + "/task";
  std::error_code error;
  std::filesystem::directory_iterator tasks(task_dir, error);
  if (error) return absl::NotFoundError(absl::StrCat(task_dir, ": ", error.message()));
  ThreadSwitches total;
  for (const auto& task : tasks) {
    const std::string status = task.path().string() + "/status";
    std::optional<uint64_t> voluntary = StatusField(status, "voluntary_ctxt_switches");
    std::optional<uint64_t> involuntary = StatusField(status, "nonvoluntary_ctxt_switches");
    if (!voluntary || !involuntary) continue;  // the thread ended while we read it
    total.context_switches += *voluntary + *involuntary;
    total.by_name[ThreadName(task.path())] += *voluntary + *involuntary;
    total.threads++;
  }
  return total;
}

}  // namespace teedp::bench
