// Provides the end-to-end benchmark's command line: BenchOptions and their parsing, including the
// --sizes list of EPC sizes.
// Thread safety: plain values and functions without state; ParseCommandLine writes to stdout or
// stderr, so call it from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace teedp::bench {

inline constexpr const char* kDefaultSizes = "8GiB,64GiB,180GiB,512GiB,1TiB";
inline constexpr int kExitUsage = 2;

struct BenchOptions {
  std::string binary;           // the tee-device-plugin executable
  std::vector<uint64_t> sizes;  // EPC bytes per simulated node, split over two NUMA nodes
  int runs = 5;
  int restarts = 10;  // kubelet restarts per run
  double idle_seconds = 10.0;
  bool verbose = false;
};

// Parses "8GiB,64GiB" (sizes as teedp::ParseByteSize takes them, comma-separated). Each size must
// give both NUMA nodes at least one whole MiB unit, split into two multiples of 4 KiB (a multiple
// of 8 KiB) and stay within the simulator's 256 TiB per node. InvalidArgument naming the element.
absl::StatusOr<std::vector<uint64_t>> ParseSizeList(std::string_view text);

// Parses argv. Returns the options, or the exit code to end with: 0 after --help (printed), 2 for
// a bad flag or value (a message naming it printed to stderr). `default_binary` is used unless
// --binary is given; either way it must be an executable file.
std::variant<BenchOptions, int> ParseCommandLine(int argc, char** argv,
                                                 const std::string& default_binary);

}  // namespace teedp::bench
