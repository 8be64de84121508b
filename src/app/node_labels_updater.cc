#include "app/node_labels_updater.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace teedp::app {

NodeLabelsUpdater::NodeLabelsUpdater(std::string dir) {
  if (!dir.empty()) file_ = std::make_unique<observe::NodeLabelsFile>(std::move(dir));
}

void NodeLabelsUpdater::Update(const hw::Inventory& inventory) {
  if (file_ == nullptr) return;
  absl::StatusOr<bool> written = file_->Update(observe::NodeLabelsFor(inventory));
  if (written.ok() && *written) spdlog::info("node labels written to {}", file_->path());
  if (written.ok()) {
    failures_.Clear();
  } else if (failures_.Note(written.status().ToString())) {
    spdlog::warn("node labels not written: {}", written.status().ToString());
  }
}

void NodeLabelsUpdater::Remove() {
  if (file_ == nullptr) return;
  if (absl::Status status = file_->Remove(); !status.ok()) {
    spdlog::warn("cannot remove the node labels file: {}", status.ToString());
  }
}

}  // namespace teedp::app
