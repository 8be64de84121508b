#include "dra/slice_publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kubeapi/testing_api_server.h"

namespace teedp::dra {
namespace {

using kubeapi::testing::FakeApiServer;
using kubeapi::testing::TestPki;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kList[] =
    "/apis/resource.k8s.io/v1/"
    "resourceslices?fieldSelector=spec.nodeName=node-a,spec.driver=sgx.tee.dev";

resources::DraDriverDevices Enclave() {
  return {.driver = "sgx.tee.dev",
          .devices = {{.name = "enclave",
                       .attributes = {{"sgx2", true}},
                       .capacity = {},
                       .allow_multiple_allocations = true,
                       .edits = {}}}};
}

class SlicePublisherTest : public ::testing::Test {
 protected:
  SlicePublisherTest() {
    server_.SetAnswerFor("GET", "/api/v1/nodes/node-a",
                         {.status = 200, .body = R"({"metadata":{"name":"node-a","uid":"n-1"}})"});
    server_.SetAnswerFor("GET", kList, {.status = 200, .body = R"({"items":[]})"});
    server_.SetAnswer("POST", {.status = 201, .body = "{}"});
  }
  std::vector<std::string> Calls() const {
    std::vector<std::string> calls;
    for (const auto& request : server_.requests()) {
      calls.push_back(request.method + " " + request.path);
    }
    return calls;
  }

  TestPki pki_;
  kubeapi::testing::ClientFiles files_{pki_};
  FakeApiServer server_{pki_};
  kubeapi::ApiServerClient client_{files_.Config(server_.port()), absl::Seconds(5)};
  SlicePublisher publisher_{&client_, "node-a"};
};

TEST_F(SlicePublisherTest, FirstPublishCreatesTheSliceOwnedByTheNode) {
  ASSERT_TRUE(publisher_.Publish(Enclave()).ok());
  EXPECT_THAT(Calls(),
              ElementsAre("GET /api/v1/nodes/node-a", "GET /apis/resource.k8s.io/v1/resourceslices",
                          "POST /apis/resource.k8s.io/v1/resourceslices"));
  const nlohmann::json slice = nlohmann::json::parse(server_.requests()[2].body);
  EXPECT_EQ(server_.requests()[2].content_type, "application/json");
  EXPECT_EQ(slice["metadata"]["ownerReferences"][0]["uid"], "n-1");
  EXPECT_EQ(slice["spec"]["devices"][0]["name"], "enclave");
  EXPECT_EQ(slice["spec"]["pool"]["generation"], 1);
}

TEST_F(SlicePublisherTest, ACurrentSliceIsLeftAloneAndWithdrawDeletesIt) {
  ASSERT_TRUE(publisher_.Publish(Enclave()).ok());
  nlohmann::json created = nlohmann::json::parse(server_.requests()[2].body);
  created["metadata"]["resourceVersion"] = "17";
  server_.SetAnswerFor("GET", kList,
                       {.status = 200, .body = nlohmann::json{{"items", {created}}}.dump()});
  ASSERT_TRUE(publisher_.Publish(Enclave()).ok());
  EXPECT_EQ(Calls().size(), 4u);  // one more list, nothing written; the Node's uid is kept
  EXPECT_EQ(Calls().back(), "GET /apis/resource.k8s.io/v1/resourceslices");
  server_.SetAnswer("DELETE", {.status = 200, .body = "{}"});
  ASSERT_TRUE(publisher_.Withdraw("sgx.tee.dev").ok());
  EXPECT_EQ(Calls().back(), "DELETE /apis/resource.k8s.io/v1/resourceslices/node-a-sgx.tee.dev-0");
}

TEST_F(SlicePublisherTest, RefusalsNameTheVerbTheResourceAndWhereTheRbacIs) {
  server_.SetAnswer("POST", {.status = 403, .body = R"({"kind":"Status","message":"forbidden"})"});
  absl::Status status = publisher_.Publish(Enclave());
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("\"create\" on resource \"resourceslices\""));
  EXPECT_THAT(status.message(), HasSubstr("deploy/components/dra"));

  server_.SetAnswerFor("GET", "/api/v1/nodes/node-b", {.status = 404, .body = "{}"});
  SlicePublisher elsewhere(&client_, "node-b");
  absl::Status missing = elsewhere.Publish(Enclave());
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("no node \"node-b\""));

  SlicePublisher bad(&client_, "Node_B/../x");
  EXPECT_EQ(bad.Publish(Enclave()).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace teedp::dra
