#include "e2e/options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/byte_size.h"

namespace teedp::bench {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kMaxNodeBytes = uint64_t{1} << 48;  // the simulator's limit per NUMA node

absl::Status CheckSize(std::string_view element, uint64_t bytes) {
  if (bytes < 2 * kMiB || bytes % 8192 != 0 || bytes / 2 > kMaxNodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--sizes: \"", absl::string_view(element.data(), element.size()),
        "\" must be at least 2MiB, a multiple of 8KiB and at most 512TiB (two NUMA nodes)"));
  }
  return absl::OkStatus();
}

struct RawFlags {
  std::string sizes = kDefaultSizes;
  bool quick = false;
};

void AddFlags(CLI::App& app, BenchOptions& options, RawFlags& raw) {
  app.add_option("--binary", options.binary, "tee-device-plugin executable to benchmark")
      ->capture_default_str();
  app.add_option("--sizes", raw.sizes, "EPC sizes, comma-separated, each split over 2 NUMA nodes")
      ->capture_default_str();
  app.add_option("--runs", options.runs, "runs per size; figures are medians over runs")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--restarts", options.restarts, "kubelet restarts timed per run")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--idle-seconds", options.idle_seconds, "idle window for wake-ups per second")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_flag("--verbose", options.verbose,
               "kubelet emulator events and the plugin's log to stderr");
  app.add_flag("--quick", raw.quick,
               "smoke test: --sizes 8GiB --runs 1 --idle-seconds 2 unless given");
}

void ApplyQuick(const CLI::App& app, BenchOptions& options, RawFlags& raw) {
  if (!raw.quick) return;
  if (app.count("--sizes") == 0) raw.sizes = "8GiB";
  if (app.count("--runs") == 0) options.runs = 1;
  if (app.count("--idle-seconds") == 0) options.idle_seconds = 2.0;
}

int UsageError(const std::string& message) {
  std::cerr << "tee-e2e-bench: " << message << "\nRun 'tee-e2e-bench --help' for the flags.\n";
  return kExitUsage;
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> ParseSizeList(std::string_view text) {
  std::vector<uint64_t> sizes;
  for (absl::string_view element :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    const std::string_view item(element.data(), element.size());
    absl::StatusOr<uint64_t> bytes = ParseByteSize(item);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--sizes: ", bytes.status().message()));
    }
    if (absl::Status status = CheckSize(item, *bytes); !status.ok()) return status;
    sizes.push_back(*bytes);
  }
  return sizes;
}

std::variant<BenchOptions, int> ParseCommandLine(int argc, char** argv,
                                                 const std::string& default_binary) {
  CLI::App app("End-to-end benchmark of the real tee-device-plugin against the kubelet emulator",
               "tee-e2e-bench");
  BenchOptions options;
  options.binary = default_binary;
  RawFlags raw;
  AddFlags(app, options, raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    return UsageError(error.what());
  }
  ApplyQuick(app, options, raw);
  absl::StatusOr<std::vector<uint64_t>> sizes = ParseSizeList(raw.sizes);
  if (!sizes.ok()) return UsageError(std::string(sizes.status().message()));
  options.sizes = *std::move(sizes);
  if (access(options.binary.c_str(), X_OK) != 0) {
    return UsageError(absl::StrCat("--binary: \"", options.binary, "\" is not an executable file"));
  }
  return options;
}

}  // namespace teedp::bench
