// Provides RunOnce: one complete benchmark run on one simulated node size. It starts the real
// plugin against the in-process kubelet emulator, times start-up, kubelet restarts and Allocate
// calls, and reads the plugin's memory and idle wake-ups from /proc.
// Thread safety: RunOnce uses only its own state; runs may not overlap only because they would
// compete for the same CPUs and distort each other's figures.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "e2e/allocate_load.h"
#include "e2e/child_process.h"

namespace teedp::bench {

struct RunSettings {
  std::string binary;
  uint64_t epc_bytes = 0;
  int restarts = 10;
  std::chrono::duration<double> idle{10.0};
  bool verbose = false;  // emulator events and the plugin's log to stderr
};

// What one run measured; optional figures stay empty when the step was skipped or failed.
struct RunResult {
  std::string failure;  // non-empty when the run stopped early; figures so far are kept
  std::optional<double> start_to_register_ms;
  std::optional<double> first_list_ms;  // start to the first list received or rejected
  size_t first_list_bytes = 0;          // encoded size of the first list, when received
  std::string stream_error;             // the emulator's verdict on the first list, "" when fine
  size_t devices = 0;                   // in the first list
  std::vector<double> reregister_ms;    // Restart() called to re-registered with a new list
  std::vector<double> restart_to_register_ms;  // the same, up to the Register alone
  std::vector<double> restart_call_ms;         // how long Restart() itself took (emulator side)
  std::vector<AllocateSeries> allocates;
  int allocate_calls = 0;
  std::optional<double> rss_start_mib;
  std::optional<double> rss_start_anon_mib;  // the heap's and stacks' share of rss_start_mib
  std::optional<double> rss_start_file_mib;  // mapped files' share (the shared libraries)
  std::optional<double> rss_after_allocates_mib;
  std::optional<double> idle_wakeups_per_second;
  // The same per thread name, for the threads alive through the whole idle window.
  std::map<std::string, double> idle_wakeups_by_thread;
  int threads = 0;  // the plugin's thread count at the end of the idle window
  StopOutcome stop;
};

// The number of Allocate calls after which the second RSS figure is taken.
inline constexpr int kAllocatesBeforeRss = 10000;

// Never throws and never exits: whatever fails is described in RunResult::failure.
RunResult RunOnce(const RunSettings& settings);

}  // namespace teedp::bench
