// `serve --kubelet-api dra` through the real binary: the emulator's DRA side registers the
// driver from its registration socket and makes the kubelet's prepare and unprepare calls over
// the driver's unix socket, while an HTTPS stand-in for the API server holds the Node, the
// ResourceSlices and the claims. Published at start and again after every registration, claims
// prepared into CDI specs that survive a plugin restart, and the slices deleted on SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dra_kubelet.h"
#include "kubeapi/testing_api_server.h"
#include "node_harness.h"

namespace teedp::testing {
namespace {

using emulator::DraClaim;
using emulator::DraKubelet;
using kubeapi::testing::ClientFiles;
using kubeapi::testing::FakeApiServer;
using kubeapi::testing::RecordedRequest;
using kubeapi::testing::TestPki;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNode[] = "sgx-node-7";
constexpr char kDriver[] = "sgx.tee.dev";
constexpr char kUid[] = "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b";
constexpr char kShare[] = "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13";
constexpr char kSlices[] = "/apis/resource.k8s.io/v1/resourceslices";
constexpr char kClaimPath[] = "/apis/resource.k8s.io/v1/namespaces/team-a/resourceclaims/enclave";

// A claim the scheduler allocated 64 MiB of epc-numa-1 on this node.
std::string AllocatedClaim() {
  return absl::StrCat(R"({"apiVersion":"resource.k8s.io/v1","kind":"ResourceClaim",
    "metadata":{"name":"enclave","namespace":"team-a","uid":")",
                      kUid, R"("},
    "spec":{"devices":{"requests":[{"name":"epc","exactly":{"deviceClassName":"epc.sgx.tee.dev",
      "capacity":{"requests":{"epc":"64Mi"}}}}]}},
    "status":{"allocation":{"devices":{"results":[{"request":"epc","driver":"sgx.tee.dev",
      "pool":"sgx-node-7","device":"epc-numa-1","shareID":")",
                      kShare, R"(","consumedCapacity":{"epc":"64Mi"}}]}}}})");
}

// The list the API server answers for this node's slices of the driver (as the stand-in records
// the query: decoded).
std::string SliceListPath() {
  return absl::StrCat(kSlices, "?fieldSelector=spec.nodeName=", kNode, ",spec.driver=", kDriver);
}

std::vector<RecordedRequest> Requests(const FakeApiServer& api, const std::string& method,
                                      const std::string& path_prefix) {
  std::vector<RecordedRequest> found;
  for (const RecordedRequest& request : api.requests()) {
    if (request.method == method && request.path.rfind(path_prefix, 0) == 0) {
      found.push_back(request);
    }
  }
  return found;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class DraServeTest : public ::testing::Test {
 protected:
  DraServeTest() {
    api_.SetAnswer("GET", {.status = 404, .body = "{}"});
    api_.SetAnswerFor(
        "GET", absl::StrCat("/api/v1/nodes/", kNode),
        {.status = 200,
         .body = R"({"kind":"Node","metadata":{"name":"sgx-node-7","uid":"node-uid-7"}})"});
    api_.SetAnswerFor("GET", SliceListPath(),
                      {.status = 200, .body = R"({"kind":"ResourceSliceList","items":[]})"});
    api_.SetAnswerFor("GET", kClaimPath, {.status = 200, .body = AllocatedClaim()});
    api_.SetAnswer("POST", {.status = 201, .body = "{}"});
    api_.SetAnswer("DELETE", {.status = 200, .body = "{}"});
    env_.push_back(std::make_unique<ScopedEnv>("KUBERNETES_SERVICE_HOST", "127.0.0.1"));
    env_.push_back(
        std::make_unique<ScopedEnv>("KUBERNETES_SERVICE_PORT", std::to_string(api_.port())));
    env_.push_back(std::make_unique<ScopedEnv>("NODE_NAME", kNode));
  }

  // The kubelet made its plugin registry before any driver starts.
  std::unique_ptr<NodeHarness> StartNode() {
    std::filesystem::create_directories(registry());
    auto node = std::make_unique<NodeHarness>(
        "numa=4GiB,4GiB driver=in-kernel aesmd=on",
        std::vector<std::string>{"--kubelet-api", "dra", "--dra-registry-dir", registry(),
                                 "--dra-plugins-dir", plugins(), "--cdi-dir", cdi(),
                                 "--service-account-dir", files_.dir(), "--metrics-address",
                                 "127.0.0.1:0"},
        /*start_kubelet=*/false);
    return node;
  }
  // Registers the driver, waiting out a socket a killed plugin left until the new one replaces it.
  void Register(NodeHarness& node) {
    ASSERT_TRUE(Eventually(
        [&] {
          return kubelet_.WaitAndRegister(kDriver, absl::Seconds(5)).ok() ||
                 node.plugin().ExitCode().has_value();
        },
        kWait))
        << node.Log();
    ASSERT_EQ(kubelet_.VersionOf(kDriver), "v1.DRAPlugin") << node.Log();
  }
  std::string registry() const { return dir_.path() + "/plugins_registry"; }
  std::string plugins() const { return dir_.path() + "/plugins"; }
  std::string cdi() const { return dir_.path() + "/cdi"; }
  std::string SpecFile() const { return absl::StrCat(cdi(), "/sgx.tee.dev-claim-", kUid, ".json"); }

  TestPki pki_;
  FakeApiServer api_{pki_};
  ClientFiles files_{pki_};
  TempDir dir_;
  std::vector<std::unique_ptr<ScopedEnv>> env_;
  DraKubelet kubelet_{dir_.path() + "/plugins_registry"};
};

TEST_F(DraServeTest, PublishesOnlyOnceTheKubeletRegisteredTheDriver) {
  // Slices published earlier draw pods whose first prepare the kubelet fails, as it does not know
  // the driver yet, and retries only after its backoff.
  auto node = StartNode();
  ASSERT_TRUE(Eventually(
      [&] {
        return absl::StrContains(node->Log(), "ResourceSlices of sgx.tee.dev wait for the kubelet");
      },
      kWait))
      << node->Log();
  EXPECT_THAT(Requests(api_, "POST", kSlices), ::testing::IsEmpty());
  Register(*node);
  EXPECT_TRUE(Eventually([&] { return !Requests(api_, "POST", kSlices).empty(); }, kWait))
      << node->Log();
}

TEST_F(DraServeTest, PublishesTheEpcDevicesOfEachNumaNodeOwnedByTheNode) {
  auto node = StartNode();
  Register(*node);
  ASSERT_TRUE(Eventually([&] { return !Requests(api_, "POST", kSlices).empty(); }, kWait))
      << node->Log();
  const RecordedRequest post = Requests(api_, "POST", kSlices).front();
  EXPECT_EQ(post.path, kSlices);
  EXPECT_EQ(post.authorization, "Bearer sa-token");
  EXPECT_THAT(post.body, HasSubstr(R"("driver":"sgx.tee.dev")"));
  EXPECT_THAT(post.body, HasSubstr(R"("nodeName":"sgx-node-7")"));
  EXPECT_THAT(post.body, HasSubstr(R"("uid":"node-uid-7")"));  // the Node owns its slices
  EXPECT_THAT(post.body, HasSubstr(R"("name":"epc-numa-0")"));
  EXPECT_THAT(post.body, HasSubstr(R"("name":"epc-numa-1")"));
  EXPECT_THAT(post.body, HasSubstr(R"("value":"4Gi")"));
  EXPECT_THAT(post.body, HasSubstr(R"("allowMultipleAllocations":true)"));
}

TEST_F(DraServeTest, RepublishesAfterEveryRegistrationAndPreparesClaimsIntoCdiSpecs) {
  auto node = StartNode();
  Register(*node);
  ASSERT_TRUE(Eventually([&] { return !Requests(api_, "POST", kSlices).empty(); }, kWait))
      << node->Log();
  // The driver publishes after every registration (a real kubelet deletes the node's slices when
  // it starts, not on registration); this test API server lists none, so each publication posts.
  const size_t before = Requests(api_, "POST", kSlices).size();
  kubelet_.Restart();
  Register(*node);
  ASSERT_TRUE(Eventually([&] { return Requests(api_, "POST", kSlices).size() > before; }, kWait))
      << node->Log();
  EXPECT_EQ(node->Metric("tee_dra_driver_registered{driver=\"sgx.tee.dev\"}"), 1);

  auto prepared = kubelet_.Prepare(kDriver, {{"team-a", "enclave", kUid}});
  ASSERT_TRUE(prepared.ok()) << prepared.status() << node->Log();
  ASSERT_EQ(prepared->claims().count(kUid), 1u);
  const auto& answer = prepared->claims().at(kUid);
  ASSERT_EQ(answer.error(), "") << node->Log();
  ASSERT_EQ(answer.devices_size(), 1);
  EXPECT_EQ(answer.devices(0).pool_name(), kNode);
  EXPECT_EQ(answer.devices(0).device_name(), "epc-numa-1");
  EXPECT_EQ(answer.devices(0).share_id(), kShare);
  ASSERT_EQ(answer.devices(0).cdi_device_ids_size(), 1);
  EXPECT_EQ(answer.devices(0).cdi_device_ids(0),
            absl::StrCat("sgx.tee.dev/claim=", kUid, "-epc-numa-1-", kShare));
  const std::string spec = ReadFile(SpecFile());
  EXPECT_THAT(spec, HasSubstr("/dev/sgx_enclave"));
  EXPECT_THAT(spec, HasSubstr("SGX_AESM_ADDR"));
  EXPECT_EQ(node->Metric("tee_dra_prepared_claims{driver=\"sgx.tee.dev\"}"), 1);
  EXPECT_EQ(node->Metric("tee_dra_epc_claimed_bytes{driver=\"sgx.tee.dev\",device=\"epc-numa-1\"}"),
            64 << 20);
  EXPECT_EQ(node->Metric("tee_dra_epc_claimed_bytes{driver=\"sgx.tee.dev\",device=\"epc-numa-0\"}"),
            0);
  EXPECT_EQ(
      node->Metric("tee_dra_claims_total{driver=\"sgx.tee.dev\",method=\"NodePrepareResources\","
                   "outcome=\"ok\"}"),
      1);
  EXPECT_EQ(node->Metric("tee_dra_call_duration_seconds_count{driver=\"sgx.tee.dev\","
                         "method=\"NodePrepareResources\"}"),
            1);

  // A claim whose uid is not the API server's, and one that is gone: per-claim errors.
  auto refused =
      kubelet_.Prepare(kDriver, {{"team-a", "enclave", "11111111-2222-3333-4444-555555555555"},
                                 {"team-a", "gone", "66666666-7777-8888-9999-000000000000"}});
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_THAT(refused->claims().at("11111111-2222-3333-4444-555555555555").error(),
              HasSubstr("uid"));
  EXPECT_THAT(refused->claims().at("66666666-7777-8888-9999-000000000000").error(),
              Not(::testing::IsEmpty()));

  // A restarted plugin answers the repeated prepare from its checkpoint, the same way.
  node->StartPlugin();
  kubelet_.Restart();
  Register(*node);
  auto again = kubelet_.Prepare(kDriver, {{"team-a", "enclave", kUid}});
  ASSERT_TRUE(again.ok()) << again.status() << node->Log();
  EXPECT_EQ(again->claims().at(kUid).SerializeAsString(), answer.SerializeAsString());
  size_t specs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cdi()))
    specs += entry.is_regular_file();
  EXPECT_EQ(specs, 1u);

  auto unprepared = kubelet_.Unprepare(kDriver, {{"team-a", "enclave", kUid}});
  ASSERT_TRUE(unprepared.ok()) << unprepared.status();
  EXPECT_EQ(unprepared->claims().at(kUid).error(), "");
  EXPECT_FALSE(std::filesystem::exists(SpecFile()));
  EXPECT_EQ(node->Metric("tee_dra_prepared_claims{driver=\"sgx.tee.dev\"}"), 0);
}

TEST_F(DraServeTest, DeletesItsSlicesAndSocketsOnSigterm) {
  auto node = StartNode();
  Register(*node);
  // The API server now lists a slice of this node and driver: shutdown must delete it.
  api_.SetAnswerFor(
      "GET", SliceListPath(),
      {.status = 200,
       .body =
           R"({"kind":"ResourceSliceList","items":[{"metadata":{"name":"sgx-node-7-sgx.tee.dev-0",
         "resourceVersion":"9"},"spec":{"driver":"sgx.tee.dev","nodeName":"sgx-node-7",
         "pool":{"name":"sgx-node-7","generation":1,"resourceSliceCount":1},"devices":[]}}]})"});
  std::optional<int> exit_code = node->plugin().SignalAndWait(SIGTERM, std::chrono::seconds(30));
  ASSERT_EQ(exit_code, 0) << node->Log();
  const std::vector<RecordedRequest> deletes = Requests(api_, "DELETE", kSlices);
  ASSERT_FALSE(deletes.empty()) << node->Log();
  EXPECT_EQ(deletes.back().path, absl::StrCat(kSlices, "/sgx-node-7-sgx.tee.dev-0"));
  EXPECT_FALSE(std::filesystem::exists(registry() + "/sgx.tee.dev-reg.sock"));
  EXPECT_FALSE(std::filesystem::exists(plugins() + "/sgx.tee.dev/dra.sock"));
}

TEST_F(DraServeTest, RefusesToStartOutsideACluster) {
  env_.clear();  // no KUBERNETES_SERVICE_HOST
  CommandResult result = RunBinary({"serve", "--kubelet-api", "dra", "--service-account-dir",
                                    files_.dir(), "--metrics-address", ""});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--kubelet-api dra reads ResourceClaims through the API"));
}

TEST_F(DraServeTest, RefusesDevicePluginOnlyFlags) {
  CommandResult result = RunBinary({"serve", "--kubelet-api", "dra", "--register-epc"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--register-epc belongs with --kubelet-api device-plugin"));
}

}  // namespace
}  // namespace teedp::testing
