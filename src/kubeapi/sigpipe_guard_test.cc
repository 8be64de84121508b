#include "kubeapi/sigpipe_guard.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace teedp::kubeapi {
namespace {

bool SigpipeBlocked() {
  sigset_t mask;
  sigemptyset(&mask);
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, SIGPIPE) == 1;
}

TEST(ScopedSigpipeBlockTest, WriteToAClosedPeerFailsWithEpipeAndTheProcessLives) {
  ASSERT_FALSE(SigpipeBlocked());
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  ::close(fds[1]);
  {
    ScopedSigpipeBlock guard;
    EXPECT_TRUE(SigpipeBlocked());
    // write(2), not send(MSG_NOSIGNAL): this is how OpenSSL writes.
    EXPECT_EQ(::write(fds[0], "x", 1), -1);
    EXPECT_EQ(errno, EPIPE);
  }
  ::close(fds[0]);
  // Reaching this line means the pending SIGPIPE was discarded before the mask was restored.
  EXPECT_FALSE(SigpipeBlocked());
}

TEST(ScopedSigpipeBlockTest, KeepsAnOuterBlock) {
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  sigset_t before;
  pthread_sigmask(SIG_BLOCK, &block, &before);
  { ScopedSigpipeBlock guard; }
  EXPECT_TRUE(SigpipeBlocked());
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

}  // namespace
}  // namespace teedp::kubeapi
