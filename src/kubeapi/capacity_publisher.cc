#include "kubeapi/capacity_publisher.h"

#include <spdlog/spdlog.h>

#include "common/status_macros.h"
#include "kubeapi/in_cluster_config.h"

namespace teedp::kubeapi {

absl::StatusOr<std::unique_ptr<CapacityPublisher>> CapacityPublisher::Create(
    std::string resource_name, uint64_t bytes, const std::string& service_account_dir) {
  TEE_ASSIGN_OR_RETURN(
      ApiServerConfig config,
      LoadInClusterConfig(InClusterSources::FromServiceAccountDir(service_account_dir)));
  TEE_ASSIGN_OR_RETURN(std::string node, NodeNameFromEnvironment(ProcessEnvironment()));
  auto patcher =
      std::make_unique<NodeCapacityPatcher>(ApiServerClient(std::move(config)), std::move(node));
  return std::make_unique<CapacityPublisher>(std::move(patcher), std::move(resource_name), bytes);
}

CapacityPublisher::CapacityPublisher(std::unique_ptr<NodeCapacityPatcher> patcher,
                                     std::string resource_name, uint64_t bytes)
    : patcher_(std::move(patcher)),
      resource_name_(std::move(resource_name)),
      bytes_(bytes),
      worker_([this] { return ApplyOnce(); }) {}

CapacityPublisher::~CapacityPublisher() = default;

void CapacityPublisher::Request() { worker_.Request(); }

uint64_t CapacityPublisher::applied() const { return worker_.successes(); }

bool CapacityPublisher::ApplyOnce() {
  absl::StatusOr<CapacityChange> change = patcher_->EnsureCapacity(resource_name_, bytes_);
  if (!change.ok()) {
    const std::string error = change.status().ToString();
    if (failures_.Note(error)) {
      spdlog::error("cannot publish {} = {} in the Node's capacity (retrying with backoff): {}",
                    resource_name_, bytes_, error);
    }
    return false;
  }
  if (failures_.Clear() || *change == CapacityChange::kPatched) {
    spdlog::info("published {} = {} bytes in the Node's capacity", resource_name_, bytes_);
  } else {
    spdlog::debug("{} = {} bytes already in the Node's capacity", resource_name_, bytes_);
  }
  return true;
}

}  // namespace teedp::kubeapi
