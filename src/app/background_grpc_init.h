// Provides BackgroundGrpcInit: gRPC's library initialisation (grpc_init: its plugin registry,
// pollers, timer and executor threads, about 2 ms of a start) run on a thread of its own from the
// moment the daemon is created, so it overlaps probing the node and planning instead of delaying
// the first server's start. grpc_init takes its own lock: a gRPC object built meanwhile on
// another thread waits for it to finish, so no caller needs to wait for this.
// Thread safety: construct and destroy on one thread.
#pragma once

#include <thread>

namespace teedp::app {

class BackgroundGrpcInit {
 public:
  BackgroundGrpcInit();  // starts the thread, which returns once grpc_init has
  // Joins the thread, then gives up this reference to the library (grpc_shutdown): gRPC shuts
  // down when its last user, this or a server or channel, is gone.
  ~BackgroundGrpcInit();
  BackgroundGrpcInit(const BackgroundGrpcInit&) = delete;
  BackgroundGrpcInit& operator=(const BackgroundGrpcInit&) = delete;

 private:
  std::thread thread_;
};

}  // namespace teedp::app
