// Provides ScopedSigpipeBlock: while one lives, a write to a connection the peer closed fails with
// EPIPE in this thread instead of killing the process with SIGPIPE. OpenSSL writes with write(2),
// which has no MSG_NOSIGNAL, and the daemon must not depend on every caller ignoring SIGPIPE.
// Thread safety: affects only the calling thread's signal mask; create and destroy on one thread.
#pragma once

#include <signal.h>

namespace teedp::kubeapi {

class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock();
  // Discards a SIGPIPE raised in this thread while blocked, then restores the signal mask.
  ~ScopedSigpipeBlock();
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t previous_mask_;
  bool was_pending_ = false;  // a SIGPIPE pending before us is not ours to discard
};

}  // namespace teedp::kubeapi
