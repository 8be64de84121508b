// The DRA driver's sockets as the kubelet uses them: GetInfo and NotifyRegistrationStatus on the
// registration socket, NodePrepareResources and NodeUnprepareResources on the DRA socket in both
// API versions, over real unix sockets.
#include "dra/dra_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "support/temp_dir.h"

namespace teedp::dra {
namespace {

using teedp::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace v1 = k8s::io::kubelet::pkg::apis::dra::v1;
namespace v1beta1 = k8s::io::kubelet::pkg::apis::dra::v1beta1;

constexpr char kUid[] = "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b";

resources::DraDriverDevices SgxDevices() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.epc_bytes = uint64_t{64} << 20;
  return resources::PlanDraDevices(inventory)[0];
}

ResourceClaim Claim() {
  return {.namespace_name = "team-a",
          .name = "enclave",
          .uid = kUid,
          .allocated = true,
          .results = {{.request = "sgx",
                       .driver = "sgx.tee.dev",
                       .pool = "node-a",
                       .device = "enclave",
                       .share_id = "",
                       .consumed_capacity = {}}}};
}

class DraServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Mkdir("registry");
    dir_.Mkdir("cdi");
    ClaimReader reader = [](const resources::ClaimRef& ref) -> absl::StatusOr<ResourceClaim> {
      if (ref.name == "enclave") return Claim();
      return absl::NotFoundError("resourceclaims \"" + ref.name + "\" not found");
    };
    preparer_ = *ClaimPreparer::Create({.driver = "sgx.tee.dev",
                                        .node_name = "node-a",
                                        .cdi_dir = dir_.path() + "/cdi",
                                        .checkpoint_path = dir_.path() + "/checkpoint.json"},
                                       reader, SgxDevices);
    absl::StatusOr<std::unique_ptr<DraServer>> server =
        DraServer::Start({.driver = "sgx.tee.dev",
                          .registry_dir = dir_.path() + "/registry",
                          .plugins_dir = dir_.path() + "/plugins"},
                         preparer_.get(), [this](bool registered, const std::string& error) {
                           registered_ = registered;
                           last_error_ = error;
                           ++notifications_;
                         });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::shared_ptr<grpc::Channel> Dial(const std::string& socket) {
    return grpc::CreateChannel("unix://" + socket, grpc::InsecureChannelCredentials());
  }

  TempDir dir_;
  std::unique_ptr<ClaimPreparer> preparer_;
  std::unique_ptr<DraServer> server_;
  std::atomic<bool> registered_{false};
  std::string last_error_;
  std::atomic<int> notifications_{0};
};

TEST_F(DraServerTest, GetInfoNamesTheDriverItsSocketAndBothVersions) {
  EXPECT_EQ(server_->registration_socket(), dir_.path() + "/registry/sgx.tee.dev-reg.sock");
  EXPECT_EQ(server_->endpoint(), dir_.path() + "/plugins/sgx.tee.dev/dra.sock");
  auto registration =
      pluginregistration::Registration::NewStub(Dial(server_->registration_socket()));
  grpc::ClientContext context;
  pluginregistration::PluginInfo info;
  ASSERT_TRUE(registration->GetInfo(&context, {}, &info).ok());
  EXPECT_EQ(info.type(), "DRAPlugin");
  EXPECT_EQ(info.name(), "sgx.tee.dev");
  EXPECT_EQ(info.endpoint(), server_->endpoint());
  EXPECT_THAT(info.supported_versions(), ElementsAre("v1.DRAPlugin", "v1beta1.DRAPlugin"));

  grpc::ClientContext notify_context;
  pluginregistration::RegistrationStatus status;
  status.set_plugin_registered(false);
  status.set_error("version not supported");
  pluginregistration::RegistrationStatusResponse ignored;
  ASSERT_TRUE(registration->NotifyRegistrationStatus(&notify_context, status, &ignored).ok());
  EXPECT_EQ(notifications_, 1);
  EXPECT_FALSE(registered_);
  EXPECT_EQ(last_error_, "version not supported");
}

TEST_F(DraServerTest, EveryClaimOfARequestIsAnsweredInV1) {
  auto dra = v1::DRAPlugin::NewStub(Dial(server_->endpoint()));
  v1::NodePrepareResourcesRequest request;
  auto* good = request.add_claims();
  good->set_namespace_("team-a");
  good->set_name("enclave");
  good->set_uid(kUid);
  auto* gone = request.add_claims();
  gone->set_namespace_("team-a");
  gone->set_name("gone");
  gone->set_uid("11111111-2222-3333-4444-555555555555");
  grpc::ClientContext context;
  v1::NodePrepareResourcesResponse response;
  ASSERT_TRUE(dra->NodePrepareResources(&context, request, &response).ok());
  ASSERT_EQ(response.claims_size(), 2);
  const v1::NodePrepareResourceResponse& prepared = response.claims().at(kUid);
  EXPECT_EQ(prepared.error(), "");
  ASSERT_EQ(prepared.devices_size(), 1);
  EXPECT_THAT(prepared.devices(0).request_names(), ElementsAre("sgx"));
  EXPECT_EQ(prepared.devices(0).pool_name(), "node-a");
  EXPECT_EQ(prepared.devices(0).device_name(), "enclave");
  EXPECT_THAT(prepared.devices(0).cdi_device_ids(),
              ElementsAre(std::string("sgx.tee.dev/claim=") + kUid + "-enclave"));
  EXPECT_THAT(response.claims().at("11111111-2222-3333-4444-555555555555").error(),
              HasSubstr("team-a/gone"));

  v1::NodeUnprepareResourcesRequest unprepare;
  *unprepare.add_claims() = *good;
  grpc::ClientContext unprepare_context;
  v1::NodeUnprepareResourcesResponse unprepared;
  ASSERT_TRUE(dra->NodeUnprepareResources(&unprepare_context, unprepare, &unprepared).ok());
  EXPECT_EQ(unprepared.claims().at(kUid).error(), "");
  EXPECT_EQ(preparer_->PreparedCount(), 0u);
}

TEST_F(DraServerTest, V1beta1AnswersTheSame) {
  auto dra = v1beta1::DRAPlugin::NewStub(Dial(server_->endpoint()));
  v1::NodePrepareResourcesRequest request;
  auto* claim = request.add_claims();
  claim->set_namespace_("team-a");
  claim->set_name("enclave");
  claim->set_uid(kUid);
  grpc::ClientContext context;
  v1::NodePrepareResourcesResponse response;
  ASSERT_TRUE(dra->NodePrepareResources(&context, request, &response).ok());
  EXPECT_THAT(response.claims().at(kUid).devices(0).cdi_device_ids(),
              ElementsAre(std::string("sgx.tee.dev/claim=") + kUid + "-enclave"));
}

TEST_F(DraServerTest, AClaimWithoutUidFailsTheCallAndShutdownRemovesTheSockets) {
  auto dra = v1::DRAPlugin::NewStub(Dial(server_->endpoint()));
  v1::NodePrepareResourcesRequest request;
  request.add_claims()->set_name("anonymous");
  grpc::ClientContext context;
  v1::NodePrepareResourcesResponse response;
  grpc::Status status = dra->NodePrepareResources(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("has no uid"));

  server_->Shutdown();
  EXPECT_FALSE(std::filesystem::exists(server_->endpoint()));
  EXPECT_FALSE(std::filesystem::exists(server_->registration_socket()));
}

}  // namespace
}  // namespace teedp::dra
