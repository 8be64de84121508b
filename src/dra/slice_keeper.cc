#include "dra/slice_keeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace teedp::dra {

SliceSink ApiSliceSink(const kubeapi::ApiServerClient* client, std::string node_name) {
  // Shared: the sink is copied, the publisher keeps the Node's uid once read.
  auto publisher = std::make_shared<SlicePublisher>(client, std::move(node_name));
  return
      [publisher](const resources::DraDriverDevices& driver) { return publisher->Publish(driver); };
}

SliceKeeper::SliceKeeper(SliceSink sink, std::vector<std::string> drivers, DriversSource devices,
                         RegisteredDriver registered, absl::Duration recheck)
    : drivers_(std::move(drivers)),
      devices_(std::move(devices)),
      sink_(std::move(sink)),
      registered_(std::move(registered)),
      worker_(std::make_unique<RetryWorker>([this] { return PublishOnce(); },
                                            RetryWorker::Backoff{}, recheck)) {}

SliceKeeper::~SliceKeeper() { worker_.reset(); }

void SliceKeeper::Request() { worker_->Request(); }

uint64_t SliceKeeper::published() const { return published_.load(); }

bool SliceKeeper::PublishOnce() {
  const std::vector<resources::DraDriverDevices> now = devices_();
  std::vector<std::string> waiting;
  for (const std::string& driver : drivers_) {
    if (!registered_(driver)) {
      waiting.push_back(driver);
      continue;
    }
    auto found = std::find_if(now.begin(), now.end(), [&](const resources::DraDriverDevices& d) {
      return d.driver == driver;
    });
    absl::Status status = sink_(
        found != now.end() ? *found : resources::DraDriverDevices{.driver = driver, .devices = {}});
    if (!status.ok()) {
      const std::string error = absl::StrCat(driver, ": ", status.ToString());
      if (failures_.Note(error)) {
        spdlog::error("cannot publish the ResourceSlices (retrying with backoff): {}", error);
      }
      return false;
    }
  }
  if (failures_.Clear()) spdlog::info("ResourceSlices published again");
  if (!waiting.empty()) {
    // Not a failure to retry: the registration asks for the next publication.
    if (waiting_.Note(absl::StrJoin(waiting, ", "))) {
      spdlog::info("ResourceSlices of {} wait for the kubelet to register the driver",
                   absl::StrJoin(waiting, ", "));
    }
    return true;
  }
  waiting_.Clear();
  published_.fetch_add(1);
  return true;
}

absl::Status SliceKeeper::Withdraw() {
  worker_.reset();
  absl::Status first;
  for (const std::string& driver : drivers_) {
    absl::Status status = sink_({.driver = driver, .devices = {}});
    if (status.ok()) {
      spdlog::info("deleted the ResourceSlices of {} on this node", driver);
    } else if (first.ok()) {
      first = absl::Status(status.code(), absl::StrCat(driver, ": ", status.message()));
    }
  }
  return first;
}

}  // namespace teedp::dra
