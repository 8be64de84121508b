#include "kubeapi/capacity_publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/status_macros.h"
#include "kubeapi/in_cluster_config.h"

namespace teedp::kubeapi {
namespace {

constexpr absl::Duration kFirstBackoff = absl::Seconds(1);
constexpr absl::Duration kMaxBackoff = absl::Seconds(60);

}  // namespace

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
    : patcher_(std::move(patcher)), resource_name_(std::move(resource_name)), bytes_(bytes) {
  worker_ = std::thread([this] { Work(); });
}

CapacityPublisher::~CapacityPublisher() {
  {
    teedp::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  worker_.join();
}

void CapacityPublisher::Request() {
  teedp::MutexLock lock(&mutex_);
  requested_ = true;
}

uint64_t CapacityPublisher::applied() const {
  teedp::MutexLock lock(&mutex_);
  return applied_;
}

void CapacityPublisher::Work() {
  absl::Duration backoff = kFirstBackoff;
  teedp::MutexLock lock(&mutex_);
  while (true) {
    // Sleeps until asked; waits with a deadline only while a failed attempt awaits its retry.
    mutex_.Await([this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    mutex_.Unlock();
    const bool ok = ApplyOnce();
    mutex_.Lock();
    if (ok) {
      ++applied_;
      backoff = kFirstBackoff;
      continue;
    }
    if (mutex_.AwaitWithTimeout([this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return stopping_; },
                                backoff)) {
      return;
    }
    backoff = std::min(backoff * 2, kMaxBackoff);
    requested_ = true;
  }
}

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
