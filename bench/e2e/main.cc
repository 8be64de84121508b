// tee-e2e-bench: the real `tee-device-plugin serve` against the in-process kubelet emulator on
// simulated SGX nodes of several EPC sizes; prints Markdown tables for the README.
//
// Build and run (from the repository root):
//   bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -- tee-device-plugin tee-e2e-bench &&
//   build/bench/tee-e2e-bench
// `--quick` (8 GiB, one run, 2 s idle window) checks that everything works in a few seconds.
//
// Tables go to stdout, progress to stderr. Exit 0 when every run completed (a device list the
// emulator rejects is a result, not a failure), 1 when a run failed, 2 for bad flags.
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "common/byte_size.h"
#include "e2e/options.h"
#include "e2e/report.h"
#include "e2e/run_once.h"

namespace teedp::bench {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return "unknown";
}

std::string KernelRelease() {
  utsname name{};
  return uname(&name) == 0 ? std::string(name.release) : "unknown";
}

// Shell-quoted only where needed, so the line can be pasted back into a shell.
std::string CommandLine(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i > 0) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"$\\*?;&|<>()") == std::string::npos;
    line += plain ? arg : "'" + arg + "'";
  }
  return line;
}

void PrintHeader(int argc, char** argv, const BenchOptions& options) {
  std::cout << "## tee-e2e-bench\n\n"
            << "- command: `" << CommandLine(argc, argv) << "`\n"
            << "- machine: " << sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (nproc), " << CpuModel()
            << ", Linux " << KernelRelease() << "\n"
            << "- plugin: `" << options.binary << "`\n"
            << "- per size: " << options.runs << " run(s), " << options.restarts
            << " kubelet restarts per run, idle window " << options.idle_seconds
            << " s; EPC split evenly over 2 NUMA nodes; figures are medians over runs\n\n";
}

SizeReport RunSize(const BenchOptions& options, uint64_t epc_bytes) {
  SizeReport report;
  report.epc_bytes = epc_bytes;
  const RunSettings settings{.binary = options.binary,
                             .epc_bytes = epc_bytes,
                             .restarts = options.restarts,
                             .idle = std::chrono::duration<double>(options.idle_seconds),
                             .verbose = options.verbose};
  for (int run = 1; run <= options.runs; ++run) {
    std::cerr << "tee-e2e-bench: " << FormatByteSize(epc_bytes) << ", run " << run << " of "
              << options.runs << "\n";
    report.runs.push_back(RunOnce(settings));
    if (!report.runs.back().failure.empty()) {
      std::cerr << "tee-e2e-bench:   failed: " << report.runs.back().failure << "\n";
    }
  }
  return report;
}

int Main(int argc, char** argv) {
  std::variant<BenchOptions, int> parsed = ParseCommandLine(argc, argv, TEE_BINARY);
  if (const int* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const BenchOptions& options = std::get<BenchOptions>(parsed);
  PrintHeader(argc, argv, options);
  std::vector<SizeReport> sizes;
  for (uint64_t bytes : options.sizes) sizes.push_back(RunSize(options, bytes));
  PrintMainTable(std::cout, sizes);
  std::cout << "\n\"n/a\": not measurable (fewer devices than asked for, or no accepted device "
               "list). For a REJECTED list the ListAndWatch and re-Register times run to the "
               "rejection. Allocate p50/p99 are per run, then the median over runs.\n\n";
  PrintTailTable(std::cout, sizes);
  std::cout << "\n";
  PrintWakeupTable(std::cout, sizes);
  std::cout << "\n";
  const int failed = PrintNotes(std::cout, sizes);
  std::cout.flush();
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace teedp::bench

int main(int argc, char** argv) { return teedp::bench::Main(argc, argv); }
