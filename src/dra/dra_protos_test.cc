// The project's DRA and plugin-registration .proto files against the wire contract the kubelet
// uses: service names and the field numbers of every message the kubelet sends or reads.
#include <gtest/gtest.h>

#include <string>

#include "dra/v1/api.grpc.pb.h"
#include "dra/v1beta1/api.grpc.pb.h"
#include "pluginregistration/api.grpc.pb.h"

namespace teedp::dra {
namespace {

int FieldNumber(const google::protobuf::Descriptor* message, const std::string& field) {
  const google::protobuf::FieldDescriptor* found = message->FindFieldByName(field);
  return found == nullptr ? -1 : found->number();
}

template <typename Request, typename Response, typename Claim, typename Device>
void ExpectDraMessages() {
  EXPECT_EQ(FieldNumber(Claim::descriptor(), "namespace"), 1);
  EXPECT_EQ(FieldNumber(Claim::descriptor(), "uid"), 2);
  EXPECT_EQ(FieldNumber(Claim::descriptor(), "name"), 3);
  EXPECT_EQ(FieldNumber(Request::descriptor(), "claims"), 1);
  EXPECT_EQ(FieldNumber(Response::descriptor(), "claims"), 1);
  EXPECT_TRUE(Response::descriptor()->FindFieldByName("claims")->is_map());
  EXPECT_EQ(FieldNumber(Device::descriptor(), "request_names"), 1);
  EXPECT_EQ(FieldNumber(Device::descriptor(), "pool_name"), 2);
  EXPECT_EQ(FieldNumber(Device::descriptor(), "device_name"), 3);
  EXPECT_EQ(FieldNumber(Device::descriptor(), "cdi_device_ids"), 4);
}

TEST(DraProtosTest, ServiceNamesAreTheKubeletsFullNames) {
  EXPECT_STREQ(k8s::io::kubelet::pkg::apis::dra::v1::DRAPlugin::service_full_name(),
               "k8s.io.kubelet.pkg.apis.dra.v1.DRAPlugin");
  EXPECT_STREQ(k8s::io::kubelet::pkg::apis::dra::v1beta1::DRAPlugin::service_full_name(),
               "k8s.io.kubelet.pkg.apis.dra.v1beta1.DRAPlugin");
  EXPECT_STREQ(pluginregistration::Registration::service_full_name(),
               "pluginregistration.Registration");
}

TEST(DraProtosTest, MessagesCarryTheContractsFieldNumbers) {
  namespace v1 = k8s::io::kubelet::pkg::apis::dra::v1;
  ExpectDraMessages<v1::NodePrepareResourcesRequest, v1::NodePrepareResourcesResponse, v1::Claim,
                    v1::Device>();
  // v1beta1 takes v1's messages (DraServerTest.V1beta1AnswersTheSame sends them to it).
  EXPECT_EQ(FieldNumber(v1::NodePrepareResourceResponse::descriptor(), "error"), 2);
  EXPECT_EQ(FieldNumber(v1::NodeUnprepareResourceResponse::descriptor(), "error"), 1);
  const google::protobuf::Descriptor* info = pluginregistration::PluginInfo::descriptor();
  EXPECT_EQ(FieldNumber(info, "type"), 1);
  EXPECT_EQ(FieldNumber(info, "name"), 2);
  EXPECT_EQ(FieldNumber(info, "endpoint"), 3);
  EXPECT_EQ(FieldNumber(info, "supported_versions"), 4);
  const google::protobuf::Descriptor* status = pluginregistration::RegistrationStatus::descriptor();
  EXPECT_EQ(FieldNumber(status, "plugin_registered"), 1);
  EXPECT_EQ(FieldNumber(status, "error"), 2);
}

}  // namespace
}  // namespace teedp::dra
