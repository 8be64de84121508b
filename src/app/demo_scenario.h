// Provides the demo's scenario once the plugin is registered: the advertised devices, a pod
// admitted the way the kubelet admits it, a kubelet restart, and a second pod.
// Thread safety: runs on the demo's thread.
#pragma once

#include <cstdint>
#include <string>

#include "app/demo_narrator.h"
#include "kubelet_emulator.h"

namespace teedp::app {

void RunScenario(DemoNarrator& say, emulator::KubeletEmulator& kubelet, const std::string& resource,
                 int64_t pod_units);

}  // namespace teedp::app
