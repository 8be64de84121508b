#include "e2e/report.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/byte_size.h"
#include "e2e/latency.h"

namespace teedp::bench {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr const char* kNotAvailable = "n/a";

uint64_t ExpectedUnits(uint64_t bytes) { return (bytes / 2) / kMiB + (bytes - bytes / 2) / kMiB; }

// The median over runs of one per-run figure; runs without it are left out.
std::optional<double> MedianOver(const SizeReport& size,
                                 const std::function<std::optional<double>(const RunResult&)>& f) {
  std::vector<double> values;
  for (const RunResult& run : size.runs) {
    if (std::optional<double> value = f(run)) values.push_back(*value);
  }
  return Median(std::move(values));
}

std::string Fixed(std::optional<double> value, int decimals) {
  return value ? absl::StrFormat("%.*f", decimals, *value) : kNotAvailable;
}

// The byte count gRPC names in "Received message larger than max (N vs. 4194304)".
std::string RejectedCell(const std::string& error) {
  const std::string marker = "larger than max (";
  const size_t at = error.find(marker);
  if (at == std::string::npos) return absl::StrCat("REJECTED (", error, ")");
  const size_t begin = at + marker.size();
  const size_t end = error.find_first_not_of("0123456789", begin);
  return absl::StrCat("REJECTED (", error.substr(begin, end - begin), " bytes)");
}

const RunResult* FirstRejected(const SizeReport& size) {
  for (const RunResult& run : size.runs) {
    if (!run.stream_error.empty()) return &run;
  }
  return nullptr;
}

std::string FirstListBytesCell(const SizeReport& size) {
  if (const RunResult* rejected = FirstRejected(size)) return RejectedCell(rejected->stream_error);
  for (const RunResult& run : size.runs) {
    if (run.first_list_ms) return absl::StrCat(run.first_list_bytes);
  }
  return kNotAvailable;
}

std::string AllocateCell(const SizeReport& size, size_t series) {
  auto percentile_of = [series](double p) {
    return [series, p](const RunResult& run) -> std::optional<double> {
      if (run.allocates.size() <= series) return std::nullopt;
      return Percentile(run.allocates[series].micros, p);
    };
  };
  std::optional<double> p50 = MedianOver(size, percentile_of(50));
  std::optional<double> p99 = MedianOver(size, percentile_of(99));
  if (!p50) return kNotAvailable;
  return absl::StrCat(Fixed(p50, 0), " / ", Fixed(p99, 0));
}

std::string MainRow(const SizeReport& size) {
  auto field = [&size](std::optional<double> RunResult::*member, int decimals) {
    return Fixed(MedianOver(size, [member](const RunResult& run) { return run.*member; }),
                 decimals);
  };
  const std::optional<double> reregister =
      MedianOver(size, [](const RunResult& run) { return Median(run.reregister_ms); });
  return absl::StrCat(
      "| ", FormatByteSize(size.epc_bytes), " | ", ExpectedUnits(size.epc_bytes), " | ",
      field(&RunResult::start_to_register_ms, 1), " | ", Fixed(reregister, 1), " | ",
      field(&RunResult::first_list_ms, 1), " | ", FirstListBytesCell(size), " | ",
      AllocateCell(size, 0), " | ", AllocateCell(size, 1), " | ", AllocateCell(size, 2), " | ",
      field(&RunResult::rss_start_mib, 1), " | ", field(&RunResult::rss_after_allocates_mib, 1),
      " | ", field(&RunResult::idle_wakeups_per_second, 2), " |");
}

// Every value of one per-run series, over all runs.
std::vector<double> Pooled(const SizeReport& size, std::vector<double> RunResult::*series) {
  std::vector<double> values;
  for (const RunResult& run : size.runs) {
    values.insert(values.end(), (run.*series).begin(), (run.*series).end());
  }
  return values;
}

std::string TailRow(const SizeReport& size) {
  std::vector<double> starts, stops, threads;
  for (const RunResult& run : size.runs) {
    if (run.start_to_register_ms) starts.push_back(*run.start_to_register_ms);
    if (!run.stop.already_exited) stops.push_back(run.stop.stop_millis);
    if (run.threads > 0) threads.push_back(run.threads);
  }
  const std::vector<double> reregisters = Pooled(size, &RunResult::reregister_ms);
  const std::optional<double> anon =
      MedianOver(size, [](const RunResult& run) { return run.rss_start_anon_mib; });
  const std::optional<double> file =
      MedianOver(size, [](const RunResult& run) { return run.rss_start_file_mib; });
  return absl::StrCat(
      "| ", FormatByteSize(size.epc_bytes), " | ", Fixed(Percentile(starts, 100), 1), " | ",
      Fixed(Percentile(reregisters, 99), 1), " (n=", reregisters.size(), ") | ",
      Fixed(Median(Pooled(size, &RunResult::restart_to_register_ms)), 1), " | ",
      Fixed(Median(Pooled(size, &RunResult::restart_call_ms)), 1), " | ", Fixed(anon, 1), " / ",
      Fixed(file, 1), " | ", Fixed(Median(stops), 1), " | ", Fixed(Median(threads), 0), " |");
}

// "name rate, ..." over every thread name seen in any run, each the median over runs (a run
// without that thread counts as 0).
std::string WakeupRow(const SizeReport& size) {
  std::set<std::string> names;
  for (const RunResult& run : size.runs) {
    for (const auto& [name, rate] : run.idle_wakeups_by_thread) names.insert(name);
  }
  std::string cell;
  for (const std::string& name : names) {
    const std::optional<double> median = MedianOver(size, [&name](const RunResult& run) {
      if (!run.idle_wakeups_per_second) return std::optional<double>();
      auto found = run.idle_wakeups_by_thread.find(name);
      return std::optional<double>(found == run.idle_wakeups_by_thread.end() ? 0 : found->second);
    });
    absl::StrAppend(&cell, cell.empty() ? "" : ", ", name, " ", Fixed(median, 1));
  }
  return absl::StrCat("| ", FormatByteSize(size.epc_bytes), " | ",
                      cell.empty() ? kNotAvailable : cell, " |");
}

}  // namespace

void PrintWakeupTable(std::ostream& out, const std::vector<SizeReport>& sizes) {
  out << "| EPC | idle wake-ups per second by thread name (median over runs) |\n"
      << "|---|---|\n";
  for (const SizeReport& size : sizes) out << WakeupRow(size) << "\n";
}

void PrintMainTable(std::ostream& out, const std::vector<SizeReport>& sizes) {
  out << "| EPC | units | start to Register (ms) | kubelet restart to re-Register (ms) | "
         "first ListAndWatch (ms) | first ListAndWatch (bytes) | Allocate 1 p50 / p99 (us) | "
         "Allocate 1,024 p50 / p99 (us) | Allocate 102,400 p50 / p99 (us) | RSS after start "
         "(MiB) | RSS after 10,000 Allocates (MiB) | idle wake-ups (/s) |\n"
      << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SizeReport& size : sizes) out << MainRow(size) << "\n";
}

void PrintTailTable(std::ostream& out, const std::vector<SizeReport>& sizes) {
  out << "| EPC | start to Register, worst run (ms) | re-Register p99 over all restarts (ms) | "
         "restart to Register without the list, median (ms) | emulator Restart() call itself, "
         "median (ms) | RSS after start, anonymous / file-backed, median (MiB) | SIGTERM to exit, "
         "median "
         "(ms) | plugin threads |\n"
      << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SizeReport& size : sizes) out << TailRow(size) << "\n";
}

int PrintNotes(std::ostream& out, const std::vector<SizeReport>& sizes) {
  int failed = 0;
  for (const SizeReport& size : sizes) {
    const std::string name = FormatByteSize(size.epc_bytes);
    if (const RunResult* rejected = FirstRejected(size)) {
      out << "- " << name << ": the emulator (4 MiB kubelet limit) refused the device list: "
          << rejected->stream_error << "\n";
    }
    for (size_t i = 0; i < size.runs.size(); ++i) {
      const RunResult& run = size.runs[i];
      const std::string where = absl::StrCat("- ", name, " run ", i + 1, ": ");
      if (!run.failure.empty()) {
        ++failed;
        out << where << "FAILED: " << run.failure << "\n";
      }
      if (run.first_list_ms && run.stream_error.empty() &&
          run.devices != ExpectedUnits(size.epc_bytes)) {
        out << where << "the first list had " << run.devices << " devices, expected "
            << ExpectedUnits(size.epc_bytes) << "\n";
      }
      for (const AllocateSeries& series : run.allocates) {
        if (series.errors == 0) continue;
        out << where << series.errors << " of " << series.calls << " Allocate(" << series.units
            << ") calls failed, first: " << series.first_error << "\n";
      }
      if (run.stop.killed || (!run.stop.already_exited && run.stop.exit_code != 0)) {
        out << where << "plugin stop: exit code " << run.stop.exit_code
            << (run.stop.killed ? " after SIGKILL (SIGTERM not enough in 2 s)" : "") << "\n";
      }
    }
  }
  return failed;
}

}  // namespace teedp::bench
