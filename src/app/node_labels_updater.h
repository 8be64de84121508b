// Provides NodeLabelsUpdater, which keeps the node labels file for Node Feature Discovery
// (observe/node_labels.h) equal to what the last probe found, logs a failure once per change of
// failure, and removes the file at the end.
// Thread safety: used from one thread (the daemon's event loop).
#pragma once

#include <memory>
#include <string>

#include "common/log_on_change.h"
#include "hw/inventory.h"
#include "observe/node_labels.h"

namespace teedp::app {

class NodeLabelsUpdater {
 public:
  // `dir` is NFD's features.d directory; "" turns the updater off (every call does nothing).
  explicit NodeLabelsUpdater(std::string dir);

  // Writes the labels for `inventory` when they changed. Never fails: a failure is logged.
  void Update(const hw::Inventory& inventory);
  // Removes the file written; a failure is logged.
  void Remove();

 private:
  std::unique_ptr<observe::NodeLabelsFile> file_;  // null when off
  LogOnChange failures_;
};

}  // namespace teedp::app
