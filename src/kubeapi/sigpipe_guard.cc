// SIGPIPE blocked around one HTTPS call, and any SIGPIPE it raised discarded.
#include "kubeapi/sigpipe_guard.h"

#include <pthread.h>

#include <ctime>

namespace teedp::kubeapi {
namespace {

bool SigpipePending() {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

}  // namespace

ScopedSigpipeBlock::ScopedSigpipeBlock() {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  sigemptyset(&previous_mask_);
  pthread_sigmask(SIG_BLOCK, &block, &previous_mask_);
  was_pending_ = SigpipePending();
}

ScopedSigpipeBlock::~ScopedSigpipeBlock() {
  if (!was_pending_ && SigpipePending()) {
    sigset_t sigpipe;
    sigemptyset(&sigpipe);
    sigaddset(&sigpipe, SIGPIPE);
    const timespec no_wait{0, 0};
    sigtimedwait(&sigpipe, nullptr, &no_wait);  // takes the pending one, never waits
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace teedp::kubeapi
