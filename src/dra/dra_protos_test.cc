// The project's DRA and plugin-registration .proto files against the wire contract the kubelet
// uses: service names, and the field number and wire type of every field the kubelet sends or
// reads, read from the bytes each message serialises to (the messages are protobuf-lite: no
// descriptors to ask).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "dra/v1/api.grpc.pb.h"
#include "dra/v1beta1/api.grpc.pb.h"
#include "pluginregistration/api.grpc.pb.h"

namespace teedp::dra {
namespace {

constexpr int kVarint = 0;
constexpr int kLengthDelimited = 2;

// The field number and wire type of the first field in `bytes`, {-1, -1} when there is none.
std::pair<int, int> FirstTag(const std::string& bytes) {
  uint64_t tag = 0;
  int shift = 0;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    tag |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return {static_cast<int>(tag >> 3), static_cast<int>(tag & 7)};
    shift += 7;
  }
  return {-1, -1};
}

// The first tag of a `Message` with one field set by `set`.
template <typename Message, typename Set>
std::pair<int, int> TagOf(Set set) {
  Message message;
  set(message);
  return FirstTag(message.SerializeAsString());
}

template <typename Request, typename Response, typename Claim, typename Device>
void ExpectDraMessages() {
  using Tag = std::pair<int, int>;
  EXPECT_EQ(TagOf<Claim>([](Claim& m) { m.set_namespace_("n"); }), Tag(1, kLengthDelimited));
  EXPECT_EQ(TagOf<Claim>([](Claim& m) { m.set_uid("u"); }), Tag(2, kLengthDelimited));
  EXPECT_EQ(TagOf<Claim>([](Claim& m) { m.set_name("c"); }), Tag(3, kLengthDelimited));
  EXPECT_EQ(TagOf<Request>([](Request& m) { m.add_claims(); }), Tag(1, kLengthDelimited));
  EXPECT_EQ(TagOf<Device>([](Device& m) { m.add_request_names("r"); }), Tag(1, kLengthDelimited));
  EXPECT_EQ(TagOf<Device>([](Device& m) { m.set_pool_name("p"); }), Tag(2, kLengthDelimited));
  EXPECT_EQ(TagOf<Device>([](Device& m) { m.set_device_name("d"); }), Tag(3, kLengthDelimited));
  EXPECT_EQ(TagOf<Device>([](Device& m) { m.add_cdi_device_ids("i"); }), Tag(4, kLengthDelimited));
  // `claims` is a map: field 1 holds entries whose key (the claim UID) is their field 1.
  Response response;
  (*response.mutable_claims())["uid-1"];
  const std::string bytes = response.SerializeAsString();
  EXPECT_EQ(FirstTag(bytes), Tag(1, kLengthDelimited));
  ASSERT_GT(bytes.size(), 2u);
  EXPECT_EQ(FirstTag(bytes.substr(2)), Tag(1, kLengthDelimited));
  EXPECT_EQ(bytes.substr(4, 5), "uid-1");
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
  using Tag = std::pair<int, int>;
  ExpectDraMessages<v1::NodePrepareResourcesRequest, v1::NodePrepareResourcesResponse, v1::Claim,
                    v1::Device>();
  // v1beta1 takes v1's messages (DraServerTest.V1beta1AnswersTheSame sends them to it).
  EXPECT_EQ(TagOf<v1::NodePrepareResourceResponse>(
                [](v1::NodePrepareResourceResponse& m) { m.set_error("e"); }),
            Tag(2, kLengthDelimited));
  EXPECT_EQ(TagOf<v1::NodeUnprepareResourceResponse>(
                [](v1::NodeUnprepareResourceResponse& m) { m.set_error("e"); }),
            Tag(1, kLengthDelimited));
  using Info = pluginregistration::PluginInfo;
  EXPECT_EQ(TagOf<Info>([](Info& m) { m.set_type("DRAPlugin"); }), Tag(1, kLengthDelimited));
  EXPECT_EQ(TagOf<Info>([](Info& m) { m.set_name("n"); }), Tag(2, kLengthDelimited));
  EXPECT_EQ(TagOf<Info>([](Info& m) { m.set_endpoint("e"); }), Tag(3, kLengthDelimited));
  EXPECT_EQ(TagOf<Info>([](Info& m) { m.add_supported_versions("v"); }), Tag(4, kLengthDelimited));
  using Status = pluginregistration::RegistrationStatus;
  EXPECT_EQ(TagOf<Status>([](Status& m) { m.set_plugin_registered(true); }), Tag(1, kVarint));
  EXPECT_EQ(TagOf<Status>([](Status& m) { m.set_error("e"); }), Tag(2, kLengthDelimited));
}

}  // namespace
}  // namespace teedp::dra
