// Provides SharedSlots, what is particular to the shared device resource kind: up to `limit`
// containers hold one device node (or directory) at once, each slot a device. The planner is in
// shared_device.h.
// Thread safety: a plain value.
#pragma once

#include <string>

namespace teedp::resources {

struct SharedSlots {
  std::string host_path;  // the shared node or directory on the host; "" when the host has none
  friend bool operator==(const SharedSlots&, const SharedSlots&) = default;
};

}  // namespace teedp::resources
