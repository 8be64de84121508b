#include "kubelet/list_and_watch_reactor.h"

#include <utility>

namespace tee::kubelet {

ListAndWatchReactor::ListAndWatchReactor(SnapshotStore* store, ServiceCounters* counters)
    : store_(store), counters_(counters), opened_(std::chrono::steady_clock::now()) {
  std::shared_ptr<const PluginSnapshot> first = store_->AddWatcher(this);
  tee::MutexLock lock(&mutex_);
  started_ = true;
  // A publish may have raced in between; send whichever is newer.
  if (pending_ != nullptr && pending_->version > first->version) first = std::move(pending_);
  pending_.reset();
  StartSendLocked(std::move(first));
}

void ListAndWatchReactor::StartSendLocked(std::shared_ptr<const PluginSnapshot> snapshot) {
  in_flight_ = std::move(snapshot);
  sent_version_ = in_flight_->version;
  StartWrite(&in_flight_->devices);
}

void ListAndWatchReactor::OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) {
  tee::MutexLock lock(&mutex_);
  if (finished_) return;
  if (!started_ || in_flight_ != nullptr) {
    pending_ = std::move(snapshot);  // only the latest matters: each list is complete
    return;
  }
  if (snapshot->version != sent_version_) StartSendLocked(std::move(snapshot));
}

void ListAndWatchReactor::OnWriteDone(bool ok) {
  tee::MutexLock lock(&mutex_);
  in_flight_.reset();
  if (!ok) {
    FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "ListAndWatch write failed"));
    return;
  }
  if (finished_ || pending_ == nullptr) return;
  std::shared_ptr<const PluginSnapshot> next = std::move(pending_);
  pending_.reset();
  if (next->version != sent_version_) StartSendLocked(std::move(next));
}

void ListAndWatchReactor::OnCancel() {
  tee::MutexLock lock(&mutex_);
  FinishLocked(grpc::Status::CANCELLED);
}

void ListAndWatchReactor::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  pending_.reset();
  counters_->RecordCall(Rpc::kListAndWatch, status.error_code(),
                        std::chrono::steady_clock::now() - opened_);
  Finish(status);
}

void ListAndWatchReactor::OnDone() {
  store_->RemoveWatcher(this);
  counters_->RecordStreamClosed();
  delete this;
}

}  // namespace tee::kubelet
