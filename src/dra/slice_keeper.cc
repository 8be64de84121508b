#include "dra/slice_keeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace teedp::dra {

SliceSink ApiSliceSink(const kubeapi::ApiServerClient* client, std::string node_name) {
  // Shared: the sink is copied, the publisher keeps the Node's uid once read.
  auto publisher = std::make_shared<SlicePublisher>(client, std::move(node_name));
  return
      [publisher](const resources::DraDriverDevices& driver) { return publisher->Publish(driver); };
}

SliceKeeper::SliceKeeper(SliceSink sink, std::vector<std::string> drivers, DriversSource devices,
                         absl::Duration recheck)
    : drivers_(std::move(drivers)),
      devices_(std::move(devices)),
      sink_(std::move(sink)),
      worker_(std::make_unique<RetryWorker>([this] { return PublishOnce(); },
                                            RetryWorker::Backoff{}, recheck)) {}

SliceKeeper::~SliceKeeper() { worker_.reset(); }

void SliceKeeper::Request() { worker_->Request(); }

uint64_t SliceKeeper::published() const { return worker_->successes(); }

bool SliceKeeper::PublishOnce() {
  const std::vector<resources::DraDriverDevices> now = devices_();
  for (const std::string& driver : drivers_) {
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
