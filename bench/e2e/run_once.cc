#include "e2e/run_once.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "e2e/latency.h"
#include "e2e/plugin_runner.h"
#include "e2e/proc_stats.h"

namespace teedp::bench {
namespace {

constexpr std::chrono::milliseconds kStepTimeout{30000};
// Lets the plugin finish what a restart set off (socket re-creation, log lines) before the
// next one, so restarts are measured one at a time rather than piled up.
constexpr std::chrono::milliseconds kBetweenRestarts{20};
// After the last call, so the idle window does not see the tail of the Allocate load.
constexpr std::chrono::milliseconds kSettleBeforeIdle{500};
constexpr double kMiB = 1024.0 * 1024.0;

// The first list arrived, or the emulator refused it (stream_error is cleared on Register).
bool ListSettled(const emulator::ResourceView& view) {
  return view.list_and_watch_updates >= 1 || !view.stream_error.empty();
}

double ToMiB(uint64_t bytes) { return static_cast<double>(bytes) / kMiB; }

struct Milestones {
  Clock::time_point registered;
  Clock::time_point listed;
};

// Waits for the `registrations`-th Register and the list on its stream, noting when each was
// first seen inside one wait, so neither time includes copying a large view out.
absl::StatusOr<Milestones> WaitRegisteredAndListed(PluginRunner& runner, int registrations) {
  std::optional<Clock::time_point> registered_at;
  auto reached = [&registered_at, registrations](const emulator::ResourceView& view) {
    if (view.registrations < registrations) return false;
    if (!registered_at) registered_at = Clock::now();
    return ListSettled(view);
  };
  TEE_ASSIGN_OR_RETURN(const Clock::time_point listed, runner.WaitUntil(reached, kStepTimeout));
  return Milestones{.registered = *registered_at, .listed = listed};
}

absl::Status MeasureStart(PluginRunner& runner, RunResult& result) {
  TEE_ASSIGN_OR_RETURN(const Clock::time_point start, runner.StartPlugin());
  TEE_ASSIGN_OR_RETURN(const Milestones reached, WaitRegisteredAndListed(runner, 1));
  result.start_to_register_ms = ToMillis(reached.registered - start);
  result.first_list_ms = ToMillis(reached.listed - start);
  std::optional<emulator::ResourceView> view = runner.kubelet().Resource(kEpcResource);
  result.stream_error = view->stream_error;
  result.first_list_bytes = view->last_message_bytes;
  result.devices = view->devices.size();
  TEE_ASSIGN_OR_RETURN(const ResidentMemory memory, ReadResidentMemory(runner.plugin_pid()));
  result.rss_start_mib = ToMiB(memory.total_bytes);
  result.rss_start_anon_mib = ToMiB(memory.anon_bytes);
  result.rss_start_file_mib = ToMiB(memory.file_bytes);
  return absl::OkStatus();
}

// Restart() may return after the plugin already registered again; the Register time is then
// when the wait first looked, which is why it is at least the Restart() call.
absl::Status MeasureRestarts(PluginRunner& runner, int restarts, RunResult& result) {
  for (int i = 0; i < restarts; ++i) {
    std::this_thread::sleep_for(kBetweenRestarts);
    // Read just before the restart, not counted: the plugin may register more than once per
    // restart, and only a Register after this restart resets the view's list counters.
    const int before = runner.kubelet().Resource(kEpcResource)->registrations;
    const Clock::time_point start = Clock::now();
    TEE_RETURN_IF_ERROR(runner.kubelet().Restart());
    result.restart_call_ms.push_back(ToMillis(Clock::now() - start));
    TEE_ASSIGN_OR_RETURN(const Milestones reached, WaitRegisteredAndListed(runner, before + 1));
    result.restart_to_register_ms.push_back(ToMillis(reached.registered - start));
    result.reregister_ms.push_back(ToMillis(reached.listed - start));
  }
  return absl::OkStatus();
}

// 1,024 and 102,400 units first, then single units until kAllocatesBeforeRss calls were made,
// so the 1-unit figure rests on thousands of samples and the RSS follows a fixed call count.
// The series are stored in the order the table shows them: 1, 1,024, 102,400.
absl::Status MeasureAllocateLoad(PluginRunner& runner, RunResult& result) {
  std::optional<emulator::ResourceView> view = runner.kubelet().Resource(kEpcResource);
  const bool rejected = !view->stream_error.empty();
  result.allocates.resize(3);
  result.allocates[0].units = 1;
  result.allocates[1].units = 1024;
  result.allocates[2].units = 102400;
  auto measure = [&](AllocateSeries& slot, int calls, int warmup) {
    if (rejected) {
      slot.skipped = "device list rejected";
      return;
    }
    slot =
        MeasureAllocates(runner.kubelet(), kEpcResource, view->devices, slot.units, calls, warmup);
    result.allocate_calls += slot.calls;
  };
  measure(result.allocates[1], 1000, 10);
  measure(result.allocates[2], 20, 2);
  measure(result.allocates[0], std::max(1000, kAllocatesBeforeRss - result.allocate_calls - 10),
          10);
  if (rejected) return absl::OkStatus();
  TEE_ASSIGN_OR_RETURN(const ResidentMemory memory, ReadResidentMemory(runner.plugin_pid()));
  result.rss_after_allocates_mib = ToMiB(memory.total_bytes);
  return absl::OkStatus();
}

absl::Status MeasureIdle(PluginRunner& runner, std::chrono::duration<double> idle,
                         RunResult& result) {
  std::this_thread::sleep_for(kSettleBeforeIdle);
  TEE_ASSIGN_OR_RETURN(const ThreadSwitches before, ReadThreadSwitches(runner.plugin_pid()));
  const Clock::time_point start = Clock::now();
  std::this_thread::sleep_for(idle);
  TEE_ASSIGN_OR_RETURN(const ThreadSwitches after, ReadThreadSwitches(runner.plugin_pid()));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.threads = after.threads;
  if (after.context_switches < before.context_switches) {
    return absl::InternalError("a plugin thread ended during the idle window; no wake-up figure");
  }
  result.idle_wakeups_per_second =
      static_cast<double>(after.context_switches - before.context_switches) / seconds;
  for (const auto& [name, switches] : after.by_name) {
    auto earlier = before.by_name.find(name);
    if (earlier == before.by_name.end() || switches < earlier->second) continue;
    result.idle_wakeups_by_thread[name] = static_cast<double>(switches - earlier->second) / seconds;
  }
  return absl::OkStatus();
}

}  // namespace

RunResult RunOnce(const RunSettings& settings) {
  RunResult result;
  absl::StatusOr<std::unique_ptr<PluginRunner>> runner =
      PluginRunner::Create(settings.binary, settings.epc_bytes, settings.verbose);
  if (!runner.ok()) {
    result.failure = runner.status().ToString();
    return result;
  }
  absl::Status status = MeasureStart(**runner, result);
  if (status.ok()) status = MeasureRestarts(**runner, settings.restarts, result);
  if (status.ok()) status = MeasureAllocateLoad(**runner, result);
  if (status.ok()) status = MeasureIdle(**runner, settings.idle, result);
  result.stop = (*runner)->StopPlugin();
  if (settings.verbose) std::cerr << "  plugin log (tail):\n" << (*runner)->LogTail(8000) << "\n";
  if (!status.ok()) {
    result.failure = absl::StrCat(status.ToString(), "; plugin log tail:\n", (*runner)->LogTail());
  }
  return result;
}

}  // namespace teedp::bench
