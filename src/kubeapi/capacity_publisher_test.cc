#include "kubeapi/capacity_publisher.h"

#include <gtest/gtest.h>

#include "kubeapi/testing_api_server.h"
#include "support/eventually.h"

namespace teedp::kubeapi {
namespace {

using ::teedp::testing::Eventually;
using testing::FakeApiServer;
using testing::TestPki;

constexpr char kNodeWithoutEpc[] =
    R"({"kind":"Node","metadata":{"name":"worker-1"},"status":{"capacity":{"cpu":"8"}}})";
constexpr char kNodeWithEpc[] =
    R"({"kind":"Node","metadata":{"name":"worker-1"},"status":{"capacity":{"sgx.intel.com/epc":"1048576"}}})";

class CapacityPublisherTest : public ::testing::Test {
 protected:
  std::unique_ptr<CapacityPublisher> Start() {
    ApiServerConfig config = files_.Config(server_.port());
    auto patcher = std::make_unique<NodeCapacityPatcher>(ApiServerClient(config, absl::Seconds(5)),
                                                         "worker-1");
    return std::make_unique<CapacityPublisher>(std::move(patcher), "sgx.intel.com/epc", 1048576);
  }
  int Patches() const {
    int patches = 0;
    for (const auto& request : server_.requests()) patches += request.method == "PATCH";
    return patches;
  }
  TestPki pki_;
  testing::ClientFiles files_{pki_};
  FakeApiServer server_{pki_};
};

TEST_F(CapacityPublisherTest, AppliesAtStartAndAgainWhenAsked) {
  server_.SetAnswer("GET", {.status = 200, .body = kNodeWithoutEpc});
  server_.SetAnswer("PATCH", {.status = 200, .body = kNodeWithEpc});
  auto publisher = Start();
  ASSERT_TRUE(Eventually([&] { return publisher->applied() == 1; }));
  EXPECT_EQ(Patches(), 1);
  publisher->Request();  // as after a kubelet restart that reset the capacity
  ASSERT_TRUE(Eventually([&] { return publisher->applied() == 2; }));
  EXPECT_EQ(Patches(), 2);
}

TEST_F(CapacityPublisherTest, ARightValueIsLeftAlone) {
  server_.SetAnswer("GET", {.status = 200, .body = kNodeWithEpc});
  auto publisher = Start();
  ASSERT_TRUE(Eventually([&] { return publisher->applied() == 1; }));
  EXPECT_EQ(Patches(), 0);
}

TEST_F(CapacityPublisherTest, RetriesAfterAFailureAndStopsPromptly) {
  server_.SetAnswer("GET", {.status = 500, .body = "{}"});
  server_.SetAnswer("PATCH", {.status = 500, .body = "{}"});
  auto publisher = Start();
  ASSERT_TRUE(Eventually([&] { return !server_.requests().empty(); }));
  EXPECT_EQ(publisher->applied(), 0u);
  server_.SetAnswer("GET", {.status = 200, .body = kNodeWithoutEpc});
  server_.SetAnswer("PATCH", {.status = 200, .body = kNodeWithEpc});
  ASSERT_TRUE(Eventually([&] { return publisher->applied() == 1; })) << "retried after 1 s";
}

// Stopping during the wait before a retry ends the wait: no attempt follows the stop. (A stop
// that did not wake the worker would hang the destructor, and the test's timeout fails it.)
TEST_F(CapacityPublisherTest, StoppingDuringTheBackoffMakesNoFurtherAttempt) {
  server_.SetAnswer("GET", {.status = 500, .body = "{}"});
  auto publisher = Start();
  ASSERT_TRUE(Eventually([&] { return !server_.requests().empty(); }));
  publisher.reset();
  EXPECT_EQ(server_.requests().size(), 1u) << "the failed attempt, and nothing after the stop";
}

}  // namespace
}  // namespace teedp::kubeapi
