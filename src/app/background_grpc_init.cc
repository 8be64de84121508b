#include "app/background_grpc_init.h"

#include <grpc/grpc.h>
#include <pthread.h>

namespace teedp::app {

BackgroundGrpcInit::BackgroundGrpcInit()
    : thread_([] {
        pthread_setname_np(pthread_self(), "grpc-init");
        grpc_init();
      }) {}

BackgroundGrpcInit::~BackgroundGrpcInit() {
  thread_.join();
  grpc_shutdown();
}

}  // namespace teedp::app
