// --register-epc through the real binary against an HTTPS stand-in for the Kubernetes API server
// whose Node keeps what was patched: the exact JSON patch with the pod's bearer token at start, a
// check after every kubelet restart that patches only when the kubelet reset the value, and a
// certificate that does not verify logged as what to fix while the device resources keep serving.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kubeapi/testing_api_server.h"
#include "node_harness.h"

namespace teedp::testing {
namespace {

using kubeapi::testing::ClientFiles;
using kubeapi::testing::FakeApiServer;
using kubeapi::testing::RecordedRequest;
using kubeapi::testing::TestPki;
using ::testing::HasSubstr;

constexpr const char* kEnclave = "sgx.intel.com/enclave";
constexpr const char* kProvision = "sgx.intel.com/provision";
constexpr const char* kNodeStatusPath = "/api/v1/nodes/sgx-node-7/status";
// numa=1GiB: one EPC section of 1 GiB.
constexpr const char* kEpcPatch =
    R"([{"op":"add","path":"/status/capacity/sgx.intel.com~1epc","value":"1073741824"}])";

std::string NodeStatus(const std::string& capacity_members) {
  return R"({"kind":"Node","metadata":{"name":"sgx-node-7"},"status":{"capacity":{"cpu":"8")" +
         capacity_members + "}}}";
}

int Count(const FakeApiServer& api, const std::string& method) {
  int count = 0;
  for (const RecordedRequest& request : api.requests()) count += request.method == method;
  return count;
}

// The publisher's checks are over: each check reads the Node once and ends in one log line
// ("published" when it patched, "already in" when the value was there), every read has ended,
// and the last check ended after the last registration asked for one.
bool PublisherSettled(NodeHarness& node, const FakeApiServer& api) {
  constexpr const char* kPublished = "published sgx.intel.com/epc";
  constexpr const char* kAlreadyIn = "already in the Node's capacity";
  return Eventually([&] {
    const std::string log = node.Log();
    const size_t last_registered = log.rfind("with the kubelet (");
    size_t last_check = log.rfind(kPublished);
    if (size_t already = log.rfind(kAlreadyIn); already != std::string::npos) {
      last_check = last_check == std::string::npos ? already : std::max(last_check, already);
    }
    const int checks = CountOccurrences(log, kPublished) + CountOccurrences(log, kAlreadyIn);
    return last_registered != std::string::npos && last_check != std::string::npos &&
           last_check > last_registered && checks == Count(api, "GET");
  });
}

class RegisterEpcTest : public ::testing::Test {
 protected:
  // The environment every pod has (service variables) plus the downward API's NODE_NAME.
  // The plugin started after this inherits them; they are put back when the test ends.
  void PointAt(const FakeApiServer& api) {
    env_.push_back(std::make_unique<ScopedEnv>("KUBERNETES_SERVICE_HOST", "127.0.0.1"));
    env_.push_back(
        std::make_unique<ScopedEnv>("KUBERNETES_SERVICE_PORT", std::to_string(api.port())));
    env_.push_back(std::make_unique<ScopedEnv>("NODE_NAME", "sgx-node-7"));
  }
  std::vector<std::string> Args(const ClientFiles& files) {
    return {"--profile", "intel", "--register-epc", "--service-account-dir", files.dir()};
  }
  // Waits until both intel resources hold at least `registrations` registrations (each one asks
  // the publisher for a check).
  void WaitRegistered(NodeHarness& node, int registrations) {
    for (const char* resource : {kEnclave, kProvision}) {
      auto view = node.kubelet().WaitFor(
          resource,
          [&](const emulator::ResourceView& v) {
            return v.registrations >= registrations && v.list_and_watch_updates > 0;
          },
          kWait);
      ASSERT_TRUE(view) << resource << "\n" << node.Log();
    }
  }
  // A Node without the EPC capacity, whose status gains it once patched.
  void NodeWithoutEpc(FakeApiServer& api) {
    api.SetAnswer("GET", {.status = 200, .body = NodeStatus("")});
    api.SetAnswerAfter("PATCH", "GET", {.status = 200, .body = NodeStatus(kEpcMember)});
  }

  static constexpr const char* kEpcMember = R"(,"sgx.intel.com/epc":"1073741824")";
  TestPki pki_;
  std::vector<std::unique_ptr<ScopedEnv>> env_;
};

// Every check after the first patch reads the value back, so however many registrations ask,
// exactly one PATCH per missing value may reach the server; each count is taken once the
// publisher's checks are over, so a wrong extra one would be in it.
TEST_F(RegisterEpcTest, PatchesAtStartAndAgainOnlyWhenTheKubeletResetIt) {
  FakeApiServer api(pki_);
  ClientFiles files(pki_);
  NodeWithoutEpc(api);
  PointAt(api);
  NodeHarness node("numa=1GiB", Args(files));
  WaitRegistered(node, 1);

  ASSERT_TRUE(Eventually([&] { return Count(api, "PATCH") == 1; }, kWait)) << node.Log();
  const std::vector<RecordedRequest> requests = api.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");  // reads first: re-applying a right value costs no write
  EXPECT_EQ(requests[0].path, kNodeStatusPath);
  const RecordedRequest& patch = requests[1];
  EXPECT_EQ(patch.method, "PATCH");
  EXPECT_EQ(patch.path, kNodeStatusPath);
  EXPECT_EQ(patch.content_type, "application/json-patch+json");
  EXPECT_EQ(patch.authorization, "Bearer sa-token");
  EXPECT_EQ(patch.host, "127.0.0.1:" + std::to_string(api.port()));
  EXPECT_EQ(patch.body, kEpcPatch);
  ASSERT_TRUE(PublisherSettled(node, api)) << node.Log();
  EXPECT_EQ(Count(api, "PATCH"), 1) << node.Log();
  EXPECT_EQ(CountOccurrences(node.Log(), "published sgx.intel.com/epc"), 1) << node.Log();

  // The value is in place: a kubelet restart costs reads and no write.
  const int reads = Count(api, "GET");
  ASSERT_TRUE(node.kubelet().Restart().ok());
  WaitRegistered(node, 2);
  ASSERT_TRUE(Eventually([&] { return Count(api, "GET") > reads; }, kWait)) << node.Log();
  ASSERT_TRUE(PublisherSettled(node, api)) << node.Log();
  EXPECT_EQ(Count(api, "PATCH"), 1) << node.Log();

  // A kubelet that re-registered its Node dropped the value: it is patched back, once.
  NodeWithoutEpc(api);
  ASSERT_TRUE(node.kubelet().Restart().ok());
  WaitRegistered(node, 3);
  ASSERT_TRUE(Eventually([&] { return Count(api, "PATCH") == 2; }, kWait)) << node.Log();
  ASSERT_TRUE(PublisherSettled(node, api)) << node.Log();
  EXPECT_EQ(Count(api, "PATCH"), 2) << node.Log();
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST_F(RegisterEpcTest, ACertificateFromAnotherCaIsLoggedAndTheDevicesKeepServing) {
  TestPki other;
  FakeApiServer api(other);  // presents a certificate the pod's CA did not sign
  ClientFiles files(pki_);
  PointAt(api);
  NodeHarness node("numa=1GiB", Args(files));

  auto view = node.kubelet().WaitFor(
      kEnclave, [](const emulator::ResourceView& v) { return v.list_and_watch_updates > 0; },
      kWait);
  ASSERT_TRUE(view) << node.Log();
  ASSERT_TRUE(Eventually(
      [&] { return CountOccurrences(node.Log(), "cannot publish sgx.intel.com/epc") == 1; }, kWait))
      << node.Log();
  EXPECT_THAT(node.Log(), HasSubstr(files.dir() + "/ca.crt"));
  EXPECT_TRUE(api.requests().empty()) << "nothing may be sent to a server that did not verify";
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

}  // namespace
}  // namespace teedp::testing
