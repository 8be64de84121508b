// Provides how the DRA devices are told to people: detect's text, one line per device.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "resources/dra_devices.h"

namespace teedp::app {

// One line per device: "<driver>/<device>: <capacity>; <attributes>; <what a container gets>",
// indented, each ending in a newline; a line saying so when there is no device.
std::string DraDevicesText(const std::vector<resources::DraDriverDevices>& drivers);

}  // namespace teedp::app
