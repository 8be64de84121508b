// Provides the demo's simulated node and its device plugin scenario once the plugin is
// registered: the advertised devices, a pod admitted the way the kubelet admits it, a kubelet
// restart, and a second pod.
// Thread safety: runs on the demo's thread.
#pragma once

#include <cstdint>
#include <string>

#include "app/demo_narrator.h"
#include "kubelet_emulator.h"

namespace teedp::app {

// Writes the simulated host root; false (after saying why) when the spec or the write failed.
bool SimulateNode(DemoNarrator& say, const std::string& spec, const std::string& host_root);

void RunScenario(DemoNarrator& say, emulator::KubeletEmulator& kubelet, const std::string& resource,
                 int64_t pod_units);

}  // namespace teedp::app
