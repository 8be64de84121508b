// Provides the benchmark's Markdown output: per EPC size, medians over runs in one main table,
// tails and context in a second, and notes for anything that failed or looked wrong.
// Thread safety: functions without state; each writes to the stream it is given.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "e2e/run_once.h"

namespace teedp::bench {

// All runs of one EPC size.
struct SizeReport {
  uint64_t epc_bytes = 0;
  std::vector<RunResult> runs;
};

// The main table: one row per size. A rejected first list shows as "REJECTED (N bytes)"; figures
// that could not be measured show as "n/a".
void PrintMainTable(std::ostream& out, const std::vector<SizeReport>& sizes);
// Tails (p99 over all restarts of all runs, worst start) and context (thread count, stop time).
void PrintTailTable(std::ostream& out, const std::vector<SizeReport>& sizes);
// Idle wake-ups per thread name (median over runs), one row per size: who wakes the plugin.
void PrintWakeupTable(std::ostream& out, const std::vector<SizeReport>& sizes);
// One line per failed run, stream error, Allocate error or unclean stop. Returns how many runs
// failed (did not complete every step).
int PrintNotes(std::ostream& out, const std::vector<SizeReport>& sizes);

}  // namespace teedp::bench
