#include "app/background_grpc_init.h"

#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>

#include "support/temp_dir.h"

namespace teedp::app {
namespace {

// A channel made while the background thread may still be in grpc_init works.
TEST(BackgroundGrpcInitTest, GrpcWorksMeanwhile) {
  testing::TempDir dir;
  {
    BackgroundGrpcInit init;
    std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(
        "unix://" + dir.path() + "/nobody.sock", grpc::InsecureChannelCredentials());
    channel->GetState(/*try_to_connect=*/true);
    EXPECT_TRUE(grpc_is_initialized());
  }
}

// Its init and its shutdown pair up: a missing shutdown would leave the library initialised.
TEST(BackgroundGrpcInitTest, LeavesGrpcAsItFoundIt) {
  ASSERT_FALSE(grpc_is_initialized()) << "run on its own, as ctest does";
  { BackgroundGrpcInit init; }
  EXPECT_FALSE(grpc_is_initialized());
}

}  // namespace
}  // namespace teedp::app
