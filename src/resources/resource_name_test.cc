#include <gtest/gtest.h>

#include <string>

#include "resources/epc_plan.h"

namespace teedp::resources {
namespace {

TEST(ValidateResourceNameTest, AcceptsExtendedResourceNames) {
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
    EXPECT_TRUE(ValidateResourceName(name).ok()) << name << ": " << ValidateResourceName(name);
  }
}

TEST(ValidateResourceNameTest, RejectsWithTheNameAndWhy) {
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
    absl::Status status = ValidateResourceName(c.name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    std::string message(status.message());
    EXPECT_NE(message.find(c.why), std::string::npos) << c.name << ": " << message;
  }
}

TEST(ValidateResourceNameTest, MessageQuotesTheValue) {
  absl::Status status = ValidateResourceName("bAd/na\"me");
  EXPECT_EQ(std::string(status.message()),
            "invalid extended resource name \"bAd/na\\\"me\": may hold only lower-case letters, "
            "digits, '-' and '.'");
}

}  // namespace
}  // namespace teedp::resources
