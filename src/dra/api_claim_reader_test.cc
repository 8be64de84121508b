#include "dra/api_claim_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kubeapi/testing_api_server.h"

namespace teedp::dra {
namespace {

using kubeapi::testing::FakeApiServer;
using kubeapi::testing::TestPki;
using ::testing::HasSubstr;

class ApiClaimReaderTest : public ::testing::Test {
 protected:
  kubeapi::ApiServerClient Client() const {
    return kubeapi::ApiServerClient(files_.Config(server_.port()), absl::Seconds(5));
  }
  TestPki pki_;
  kubeapi::testing::ClientFiles files_{pki_};
  FakeApiServer server_{pki_};
};

TEST_F(ApiClaimReaderTest, GetsTheClaimByNamespaceAndName) {
  server_.SetAnswer(
      "GET", {.status = 200, .body = R"({"metadata":{"name":"mem","namespace":"team-a","uid":"u1"},
                                        "status":{"allocation":{"devices":{"results":[]}}}})"});
  const kubeapi::ApiServerClient client = Client();
  absl::StatusOr<ResourceClaim> claim = ApiClaimReader(&client)({"team-a", "mem", "u1"});
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->uid, "u1");
  EXPECT_TRUE(claim->allocated);
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].path,
            "/apis/resource.k8s.io/v1/namespaces/team-a/resourceclaims/mem");
  EXPECT_EQ(server_.requests()[0].authorization, "Bearer sa-token");
}

TEST_F(ApiClaimReaderTest, AnswersBecomeStatusesNamingTheClaim) {
  const kubeapi::ApiServerClient client = Client();
  server_.SetAnswer("GET", {.status = 404, .body = R"({"kind":"Status","message":"not found"})"});
  absl::StatusOr<ResourceClaim> gone = ApiClaimReader(&client)({"team-a", "mem", "u1"});
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(), HasSubstr("no ResourceClaim team-a/mem"));
  server_.SetAnswer("GET", {.status = 403, .body = R"({"kind":"Status","message":"forbidden"})"});
  absl::StatusOr<ResourceClaim> denied = ApiClaimReader(&client)({"team-a", "mem", "u1"});
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(), HasSubstr("\"get\" on resource \"resourceclaims\""));
  EXPECT_THAT(denied.status().message(), HasSubstr("deploy/components/dra"));
  server_.SetAnswer("GET", {.status = 200, .body = "<html>proxy</html>"});
  EXPECT_EQ(ApiClaimReader(&client)({"team-a", "mem", "u1"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ApiClaimReaderTest, NamesThatCannotBeKubernetesNamesAreNeverSent) {
  const kubeapi::ApiServerClient client = Client();
  for (const resources::ClaimRef& bad :
       std::vector<resources::ClaimRef>{{"team-a", "../../nodes/x", "u"},
                                        {"Team_A", "mem", "u"},
                                        {"", "mem", "u"},
                                        {"team-a", "mem?watch=1", "u"}}) {
    EXPECT_EQ(ApiClaimReader(&client)(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad.namespace_name << "/" << bad.name;
  }
  EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace teedp::dra
