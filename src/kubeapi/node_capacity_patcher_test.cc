#include "kubeapi/node_capacity_patcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kubeapi/testing_api_server.h"

namespace teedp::kubeapi {
namespace {

using ::testing::AllOf;
using testing::FakeApiServer;
using ::testing::HasSubstr;
using testing::TestPki;

constexpr char kEpc[] = "sgx.intel.com/epc";
constexpr char kAddPatch[] =
    R"([{"op":"add","path":"/status/capacity/sgx.intel.com~1epc","value":"98566144"}])";

std::string NodeWithEpc(const std::string& value) {
  return R"({"kind":"Node","metadata":{"name":"worker-1"},"status":{"capacity":{"cpu":"8",)"
         R"("sgx.intel.com/epc":")" +
         value + R"("}}})";
}

class NodeCapacityPatcherTest : public ::testing::Test {
 protected:
  NodeCapacityPatcher Patcher() const {
    return NodeCapacityPatcher(ApiServerClient(files_.Config(server_.port()), absl::Seconds(5)),
                               "worker-1");
  }
  std::vector<std::string> MethodsSeen() const {
    std::vector<std::string> methods;
    for (const auto& request : server_.requests()) methods.push_back(request.method);
    return methods;
  }

  TestPki pki_;
  testing::ClientFiles files_{pki_};
  FakeApiServer server_{pki_};
};

TEST_F(NodeCapacityPatcherTest, SetCapacitySendsTheExactJsonPatch) {
  server_.SetAnswer("PATCH", {.status = 200, .body = NodeWithEpc("98566144")});
  ASSERT_TRUE(Patcher().SetCapacity(kEpc, 98566144).ok());
  ASSERT_EQ(server_.requests().size(), 1u);
  const testing::RecordedRequest request = server_.requests()[0];
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.path, "/api/v1/nodes/worker-1/status");
  EXPECT_EQ(request.content_type, "application/json-patch+json");
  EXPECT_EQ(request.authorization, "Bearer sa-token");
  EXPECT_EQ(request.body, kAddPatch);
}

TEST_F(NodeCapacityPatcherTest, AnswersBecomeStatusesThatSayWhatToFix) {
  struct Case {
    int http_status;
    absl::StatusCode code;
    const char* mention;
  };
  for (const Case& c : {Case{401, absl::StatusCode::kUnauthenticated, "/token"},
                        Case{403, absl::StatusCode::kPermissionDenied, "\"nodes/status\""},
                        Case{404, absl::StatusCode::kNotFound, "no node \"worker-1\""},
                        Case{500, absl::StatusCode::kUnavailable, "answered 500"}}) {
    server_.SetAnswer("PATCH", {.status = c.http_status,
                                .body = R"({"kind":"Status","message":"from the server"})"});
    absl::Status status = Patcher().SetCapacity(kEpc, 1);
    EXPECT_EQ(status.code(), c.code) << c.http_status;
    EXPECT_THAT(std::string(status.message()),
                AllOf(HasSubstr(c.mention), HasSubstr("from the server")))
        << c.http_status;
  }
}

TEST_F(NodeCapacityPatcherTest, GetCapacityReadsTheNodeStatus) {
  server_.SetAnswer("GET", {.status = 200, .body = NodeWithEpc("64M")});
  auto value = Patcher().GetCapacity(kEpc);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, "64M");
  EXPECT_EQ(server_.requests()[0].path, "/api/v1/nodes/worker-1/status");
  EXPECT_EQ(server_.requests()[0].authorization, "Bearer sa-token");
}

TEST_F(NodeCapacityPatcherTest, EnsureCapacityPatchesOnlyWhenTheValueDiffers) {
  server_.SetAnswer("GET", {.status = 200, .body = NodeWithEpc("98566144")});
  auto same = Patcher().EnsureCapacity(kEpc, 98566144);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(*same, CapacityChange::kUnchanged);
  EXPECT_EQ(MethodsSeen(), std::vector<std::string>{"GET"});

  server_.SetAnswer("GET", {.status = 200, .body = NodeWithEpc("64M")});
  auto canonical = Patcher().EnsureCapacity(kEpc, 64000000);  // the server's spelling of 64000000
  ASSERT_TRUE(canonical.ok()) << canonical.status();
  EXPECT_EQ(*canonical, CapacityChange::kUnchanged);

  auto differs = Patcher().EnsureCapacity(kEpc, 98566144);
  ASSERT_TRUE(differs.ok()) << differs.status();
  EXPECT_EQ(*differs, CapacityChange::kPatched);
  EXPECT_EQ(MethodsSeen(), (std::vector<std::string>{"GET", "GET", "GET", "PATCH"}));
  EXPECT_EQ(server_.requests().back().body, kAddPatch);
}

TEST_F(NodeCapacityPatcherTest, EnsureCapacityPatchesWhenTheKubeletResetIt) {
  server_.SetAnswer("GET", {.status = 200, .body = R"({"status":{"capacity":{"cpu":"8"}}})"});
  auto change = Patcher().EnsureCapacity(kEpc, 98566144);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, CapacityChange::kPatched);
  EXPECT_EQ(server_.requests().back().body, kAddPatch);
}

TEST_F(NodeCapacityPatcherTest, EnsureCapacityPatchesWhenItMayNotRead) {
  server_.SetAnswer("GET", {.status = 403, .body = "{}"});
  auto change = Patcher().EnsureCapacity(kEpc, 98566144);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, CapacityChange::kPatched);

  server_.SetAnswer("PATCH", {.status = 403, .body = "{}"});
  auto denied = Patcher().EnsureCapacity(kEpc, 98566144);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.status().message()), HasSubstr("verb \"patch\""));
}

TEST_F(NodeCapacityPatcherTest, EnsureCapacityStopsAtAMissingNode) {
  server_.SetAnswer("GET", {.status = 404, .body = "{}"});
  auto change = Patcher().EnsureCapacity(kEpc, 1);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MethodsSeen(), std::vector<std::string>{"GET"});
}

TEST_F(NodeCapacityPatcherTest, RemoveCapacityRemovesOnlyWhatIsThere) {
  server_.SetAnswer("GET", {.status = 200, .body = NodeWithEpc("98566144")});
  auto removed = Patcher().RemoveCapacity(kEpc);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, CapacityChange::kPatched);
  EXPECT_EQ(server_.requests().back().body,
            R"([{"op":"remove","path":"/status/capacity/sgx.intel.com~1epc"}])");

  server_.SetAnswer("GET", {.status = 200, .body = R"({"status":{"capacity":{}}})"});
  auto absent = Patcher().RemoveCapacity(kEpc);
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_EQ(*absent, CapacityChange::kUnchanged);
  EXPECT_EQ(MethodsSeen(), (std::vector<std::string>{"GET", "PATCH", "GET"}));
}

}  // namespace
}  // namespace teedp::kubeapi
