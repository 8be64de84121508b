#include "kubelet/list_and_watch_stream.h"

#include <utility>

#ifdef TEE_TSAN_PROBE_UNORDERED_WRITE
#include <thread>
#endif

namespace teedp::kubelet {

void ListAndWatchStream::Listen(const CallEnvironment& environment) {
  auto* stream = new ListAndWatchStream(environment);
  bool requested = environment.gate->StartIfOpen([stream] {
    stream->environment_.service->RequestListAndWatch(
        &stream->context_, &stream->request_, &stream->writer_, stream->environment_.queue,
        stream->environment_.queue, &stream->requested_tag_);
  });
  if (!requested) delete stream;
}

ListAndWatchStream::ListAndWatchStream(const CallEnvironment& environment)
    : environment_(environment),
      writer_(&context_),
      requested_tag_(this),
      written_tag_(this),
      finish_sent_tag_(this),
      done_tag_(this) {
  context_.AsyncNotifyWhenDone(&done_tag_);
}

void ListAndWatchStream::OnRequested(bool ok) {
  if (!ok) {  // the server shut down before a call came; gRPC then never reports it done
    delete this;
    return;
  }
  Listen(environment_);
  opened_ = std::chrono::steady_clock::now();
  environment_.counters->RecordStreamOpened();
  std::shared_ptr<const PluginSnapshot> first = environment_.store->AddWatcher(this);
  // Encoded already, unless this call came while the daemon's start-up encodes the first list
  // (app/plugin_daemon.cc). Then this thread encodes it or waits for that, once per stream, for
  // up to one encoding: the one wait in a reaction, accepted because it can only happen at
  // start-up, before the kubelet has the list, so no Allocate can be waiting behind it. Before
  // the lock, which a publish waits on.
  first->devices();
  teedp::MutexLock lock(&mutex_);
  started_ = true;
  // A publish may have raced in between; send whichever is newer.
  if (pending_ != nullptr && pending_->version > first->version) first = std::move(pending_);
  pending_.reset();
  StartWriteLocked(std::move(first));
}

void ListAndWatchStream::OnSnapshot(std::shared_ptr<const PluginSnapshot> snapshot) {
#ifdef TEE_TSAN_PROBE_UNORDERED_WRITE
  ProbeUnorderedWrite(std::move(snapshot));
  return;
#endif
  teedp::MutexLock lock(&mutex_);
  if (finished_) return;
  if (!started_ || in_flight_ != nullptr) {
    pending_ = std::move(snapshot);  // only the latest matters: each list is complete
    return;
  }
  if (snapshot->version != sent_version_) StartWriteLocked(std::move(snapshot));
}

// REQUIRES: snapshot->encoded() (Publish and OnRequested see to it), so devices() below never
// encodes under the stream's lock.
void ListAndWatchStream::StartWriteLocked(std::shared_ptr<const PluginSnapshot> snapshot) {
  // A closed gate means the server is shutting down: the call is cancelled and its done tag
  // follows, so there is nothing left to send.
  bool writing = environment_.gate->StartIfOpen(
      [this, &snapshot] { writer_.Write(snapshot->devices(), &written_tag_); });
  if (!writing) return;
  sent_version_ = snapshot->version;
  in_flight_ = std::move(snapshot);
}

#ifdef TEE_TSAN_PROBE_UNORDERED_WRITE
// A deliberate race, built only into the TSan probe test (test/CMakeLists.txt): the write starts
// on the publisher's thread once the previous one is done, but learns that from a relaxed flag
// instead of the stream's lock, so nothing orders it after the queue thread's OnWriteDone. Two
// accesses race: in_flight_, which OnWriteDone resets (our frames only, so TSan sees it every
// time unless a suppression hides our own code), and the call's op set inside writer_ (which
// also tells whether the FinalizeResult suppression hides it, but is only sometimes seen: TSan
// keeps a few accesses per word, and the queue thread's FinalizeResult may have replaced them).
void ListAndWatchStream::ProbeUnorderedWrite(std::shared_ptr<const PluginSnapshot> snapshot) {
  while (!probe_writer_idle_.exchange(false, std::memory_order_relaxed)) std::this_thread::yield();
  in_flight_ = std::move(snapshot);
  writer_.Write(in_flight_->devices(), &written_tag_);
}
#endif

void ListAndWatchStream::OnWriteDone(bool ok) {
#ifdef TEE_TSAN_PROBE_UNORDERED_WRITE
  probe_writer_idle_.store(true, std::memory_order_relaxed);
#endif
  bool releasable = false;
  {
    teedp::MutexLock lock(&mutex_);
    in_flight_.reset();
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "ListAndWatch write failed"),
                   /*send=*/true);
    } else if (!finished_ && pending_ != nullptr) {
      std::shared_ptr<const PluginSnapshot> next = std::move(pending_);
      pending_.reset();
      if (next->version != sent_version_) StartWriteLocked(std::move(next));
    }
    releasable = ReleasableLocked();
  }
  if (releasable) Release();
}

void ListAndWatchStream::FinishLocked(const grpc::Status& status, bool send) {
  if (finished_) return;
  finished_ = true;
  pending_.reset();
  environment_.counters->RecordCall(Rpc::kListAndWatch, status.error_code(),
                                    std::chrono::steady_clock::now() - opened_);
  if (!send || done_) return;
  finish_in_flight_ = environment_.gate->StartIfOpen(
      [this, &status] { writer_.Finish(status, &finish_sent_tag_); });
}

void ListAndWatchStream::OnFinishSent(bool /*ok*/) {
  bool releasable = false;
  {
    teedp::MutexLock lock(&mutex_);
    finish_in_flight_ = false;
    releasable = ReleasableLocked();
  }
  if (releasable) Release();
}

void ListAndWatchStream::OnDone(bool /*ok*/) {
  // First, without our lock (the store calls OnSnapshot under its own): once this returns, the
  // publisher's thread no longer reaches the stream.
  environment_.store->RemoveWatcher(this);
  bool releasable = false;
  {
    teedp::MutexLock lock(&mutex_);
    done_ = true;
    FinishLocked(grpc::Status::CANCELLED, /*send=*/false);  // no-op when it ended already
    releasable = ReleasableLocked();
  }
  if (releasable) Release();
}

bool ListAndWatchStream::ReleasableLocked() const {
  return done_ && in_flight_ == nullptr && !finish_in_flight_;
}

void ListAndWatchStream::Release() {
  environment_.counters->RecordStreamClosed();
  delete this;
}

}  // namespace teedp::kubelet
