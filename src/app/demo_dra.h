// Provides the DRA demo (`demo --kubelet-api dra`): the plugin's DRA drivers on a simulated node,
// registered by the emulator's DRA side, publishing into an in-memory API that allocates EPC
// claims as the scheduler does, and claims prepared, kept across a plugin restart and unprepared,
// narrated.
// Thread safety: runs on the demo's thread (the daemon serves on one of its own).
#pragma once

#include <string>

namespace teedp::app {

// Runs the demo in `work_dir` on a node simulated from `spec`; the exit code (0 when every check
// passed).
int RunDraDemoIn(const std::string& work_dir, const std::string& spec);

}  // namespace teedp::app
