#include "resources/resource_name.h"

#include <gtest/gtest.h>

#include <string>

#include "resources/profile.h"
#include "resources/shared_device.h"

namespace teedp::resources {
namespace {

TEST(ResourceNameTest, AcceptsExtendedResourceNames) {
  const std::string label63(63, 'a');
  const std::string domain253 =
      label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(domain253.size(), 253u);
  const std::string cases[] = {
      std::string(kDefaultEpcResource),
      "sgx.intel.com/epc",
      "alibabacloud.com/sgx_epc_MiB",
      "example.com/EPC",
      "a/b",
      "0.example-1.com/x.y-z_9",
      "kubernetes.io.example.com/epc",  // only the kubernetes.io domain itself is reserved
      "notkubernetes.io/epc",
      label63 + ".com/" + std::string(63, 'n'),
      domain253 + "/epc",
  };
  for (const std::string& name : cases) {
    EXPECT_TRUE(ResourceName::Parse(name).status().ok())
        << name << ": " << ResourceName::Parse(name).status();
  }
}

TEST(ResourceNameTest, RejectsWithTheNameAndWhy) {
  struct Case {
    std::string name;
    std::string why;
  };
  const std::string label64(64, 'a');
  const std::string domain255 = std::string(63, 'a') + "." + std::string(63, 'a') + "." +
                                std::string(63, 'a') + "." + std::string(63, 'a');
  const Case cases[] = {
      {"", "<domain>/<name>"},
      {"epc", "<domain>/<name>"},
      {"/epc", "empty domain"},
      {"example.com/", "empty name"},
      {"a/b/c", "more than one '/'"},
      {"Example.com/epc", "lower-case"},
      {"exa_mple.com/epc", "lower-case"},
      {"-example.com/epc", "start and end"},
      {"example-.com/epc", "start and end"},
      {"example..com/epc", "empty label"},
      {".example.com/epc", "empty label"},
      {"example.com./epc", "empty label"},
      {label64 + ".com/epc", "longer than 63"},
      {domain255 + "/epc", "longer than 253"},
      {"kubernetes.io/epc", "kubernetes.io"},
      {"sgx.kubernetes.io/epc", "kubernetes.io"},
      {"requests.example.com/epc", "requests."},
      {"example.com/-epc", "start and end"},
      {"example.com/epc_", "start and end"},
      {"example.com/e pc", "only letters"},
      {"example.com/e:pc", "only letters"},
      {"example.com/" + std::string(64, 'n'), "longer than 63"},
      {"example.com/\xff", "start and end"},
  };
  for (const Case& c : cases) {
    absl::Status status = ResourceName::Parse(c.name).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    std::string message(status.message());
    EXPECT_NE(message.find(c.why), std::string::npos) << c.name << ": " << message;
  }
}

TEST(ResourceNameTest, MessageQuotesTheValue) {
  absl::Status status = ResourceName::Parse("bAd/na\"me").status();
  EXPECT_EQ(std::string(status.message()),
            "invalid extended resource name \"bAd/na\\\"me\": may hold only lower-case letters, "
            "digits, '-' and '.'");
}

TEST(ResourceNameTest, KeepsTheTextAndItsNamePart) {
  ResourceName name = ResourceName::Parse("sgx.intel.com/enclave").value();
  EXPECT_EQ(name.str(), "sgx.intel.com/enclave");
  EXPECT_EQ(name.name_part(), "enclave");
  EXPECT_EQ(name, ResourceName::BuiltIn("sgx.intel.com/enclave"));
}

TEST(ResourceNameTest, NamePartIsWhatFollowsTheLastSlash) {
  EXPECT_EQ(NamePart("example.com/epc"), "epc");
  EXPECT_EQ(NamePart("a/b/c"), "c");
  EXPECT_EQ(NamePart("no-slash"), "no-slash");
  EXPECT_EQ(NamePart("trailing/"), "");
}

TEST(ResourceNameTest, EveryBuiltInNameIsValid) {
  std::vector<std::string_view> names = {kDefaultEpcResource, kAlibabaEpcResource,
                                         kIntelEpcResource};
  for (SharedDevice device :
       {SharedDevice::kSgxEnclave, SharedDevice::kSgxProvision, SharedDevice::kTdx,
        SharedDevice::kSevSnp, SharedDevice::kTpm, SharedDevice::kTsmReport}) {
    names.push_back(DefaultSharedResourceName(device));
  }
  for (std::string_view name : names) {
    EXPECT_TRUE(ResourceName::Parse(name).ok()) << name;
  }
}

}  // namespace
}  // namespace teedp::resources
