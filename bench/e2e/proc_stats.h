// Provides what the benchmark reads about the plugin process from /proc: its resident set size
// (anonymous and file-backed parts) and the context switches of all its threads (each one a
// wake-up of a sleeping or preempted thread), in total and per thread name, plus the thread count.
// Thread safety: functions hold no state; safe to call from any thread. Each result is a
// snapshot; threads that exit between two snapshots take their counts with them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace teedp::bench {

struct ResidentMemory {
  uint64_t total_bytes = 0;  // VmRSS
  uint64_t anon_bytes = 0;   // RssAnon: heap and stacks, without mapped library code
  uint64_t file_bytes = 0;   // RssFile: mapped files, mostly the shared libraries' pages
};

// VmRSS, RssAnon and RssFile of /proc/<pid>/status. NotFound when the process is gone, Internal
// when a field is missing (as for a zombie) or unreadable.
absl::StatusOr<ResidentMemory> ReadResidentMemory(pid_t pid);

struct ThreadSwitches {
  uint64_t context_switches = 0;  // voluntary + nonvoluntary, summed over threads
  int threads = 0;
  // The same per thread name (/proc/<pid>/task/<tid>/comm); threads sharing a name are summed.
  std::map<std::string, uint64_t> by_name;
};

// Sums voluntary_ctxt_switches and nonvoluntary_ctxt_switches over /proc/<pid>/task/*/status.
// NotFound when the process is gone; a thread ending while it is read is skipped.
absl::StatusOr<ThreadSwitches> ReadThreadSwitches(pid_t pid);

}  // namespace teedp::bench
