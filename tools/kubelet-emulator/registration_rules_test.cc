#include "registration_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace teedp::emulator {
namespace {

TEST(RegistrationRulesTest, ExtendedResourceNames) {
  for (const char* good : {"kubernetes.azure.com/sgx_epc_mem_in_MiB", "sgx.intel.com/epc",
                           "example.com/a", "a-b.example/x.y_z"}) {
    EXPECT_TRUE(ValidateExtendedResourceName(good).ok()) << good;
  }
  for (const char* bad :
       {"epc", "/epc", "example.com/", "kubernetes.io/epc", "foo.kubernetes.io/epc",
        "Example.com/epc", "example.com/-epc", "example.com/a/b", "exa mple.com/x"}) {
    absl::Status status = ValidateExtendedResourceName(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find(bad), absl::string_view::npos) << status;
  }
}

TEST(RegistrationRulesTest, EndpointsAreFileNames) {
  EXPECT_TRUE(ValidateEndpoint("sgx.sock").ok());
  for (const char* bad : {"", ".", "..", "/abs.sock", "dir/x.sock", "kubelet.sock"}) {
    EXPECT_FALSE(ValidateEndpoint(bad).ok()) << bad;
  }
}

TEST(RegistrationRulesTest, VersionIsCheckedFirst) {
  v1beta1::RegisterRequest request;
  request.set_version("v1alpha1");
  request.set_resource_name("bad");
  EXPECT_NE(ValidateRegisterRequest(request).message().find("unsupported version"),
            absl::string_view::npos);
}

TEST(RegistrationRulesTest, UnixSocketAddressLimits) {
  EXPECT_EQ(*UnixSocketAddress("/tmp/k/kubelet.sock"), "unix:/tmp/k/kubelet.sock");
  EXPECT_FALSE(UnixSocketAddress("relative.sock").ok());
  EXPECT_TRUE(UnixSocketAddress("/" + std::string(106, 'a')).ok());
  EXPECT_FALSE(UnixSocketAddress("/" + std::string(107, 'a')).ok());
}

}  // namespace
}  // namespace teedp::emulator
