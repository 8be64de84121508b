// Provides what both daemons (device plugin and DRA) do with their event loop: stop it on SIGTERM
// or SIGINT read from a signalfd, and answer /healthz by whether it still runs posted tasks.
// Thread safety: BlockTerminationSignals first thing in main; QuitOnTerminationSignal on the
// loop's owner before Run; CheckLoopRuns from any thread.
#pragma once

#include "absl/status/statusor.h"
#include "common/event_loop.h"
#include "common/unique_fd.h"
#include "observe/metrics_server.h"

namespace teedp::app {

// Blocks SIGTERM and SIGINT in the calling thread (and threads it starts later) so the daemon can
// read them from a signalfd. Call first thing in main, before gRPC starts threads.
void BlockTerminationSignals();

// Quits `loop` (after logging the signal) when SIGTERM or SIGINT arrives. The signalfd, which
// must outlive the watch. Internal naming the call that failed.
absl::StatusOr<UniqueFd> QuitOnTerminationSignal(EventLoop* loop);

// Live when `loop` runs a posted task within a second.
observe::ProbeResult CheckLoopRuns(EventLoop* loop);

}  // namespace teedp::app
