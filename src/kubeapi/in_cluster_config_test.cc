#include "kubeapi/in_cluster_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "support/temp_dir.h"

namespace teedp::kubeapi {
namespace {

using teedp::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

class InClusterConfigTest : public ::testing::Test {
 protected:
  InClusterConfigTest() {
    dir_.Write("token", "eyJhbGciOi.payload.sig\n");
    dir_.Write("ca.crt", kPem);
    sources_ = InClusterSources::FromServiceAccountDir(dir_.path());
    sources_.environment = FakeEnvironment(
        {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  }
  void SetEnvironment(std::map<std::string, std::string> values) {
    sources_.environment = FakeEnvironment(std::move(values));
  }
  std::string Error() {
    auto config = LoadInClusterConfig(sources_);
    EXPECT_FALSE(config.ok());
    return std::string(config.status().message());
  }

  TempDir dir_;
  InClusterSources sources_;
};

TEST_F(InClusterConfigTest, ReadsEndpointAndKeepsFilePaths) {
  auto config = LoadInClusterConfig(sources_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->endpoint.Url(), "https://10.96.0.1:443");
  EXPECT_EQ(config->endpoint.Authority(), "10.96.0.1:443");
  EXPECT_EQ(config->token_file, dir_.path() + "/token");
  EXPECT_EQ(config->ca_file, dir_.path() + "/ca.crt");
}

TEST_F(InClusterConfigTest, Ipv6HostsAreBracketedInTheUrlOnly) {
  for (const char* host : {"fd00:10:96::1", "[fd00:10:96::1]"}) {
    SetEnvironment({{"KUBERNETES_SERVICE_HOST", host}, {"KUBERNETES_SERVICE_PORT", "6443"}});
    auto config = LoadInClusterConfig(sources_);
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->endpoint.host, "fd00:10:96::1");
    EXPECT_EQ(config->endpoint.Url(), "https://[fd00:10:96::1]:6443");
  }
}

TEST_F(InClusterConfigTest, MissingServiceVariablesMeanNotInACluster) {
  SetEnvironment({});
  EXPECT_EQ(Error(), "not running in a cluster: KUBERNETES_SERVICE_HOST is not set");
  SetEnvironment({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", ""}});
  EXPECT_EQ(Error(), "not running in a cluster: KUBERNETES_SERVICE_PORT is not set");
}

TEST_F(InClusterConfigTest, MalformedHostOrPortIsNamed) {
  for (const char* port : {"0", "65536", "https", "-1", "44 3", "+443"}) {
    SetEnvironment({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", port}});
    EXPECT_THAT(Error(), HasSubstr("KUBERNETES_SERVICE_PORT \"")) << port;
  }
  for (const char* host : {"a/b", "fd00::zz", "evil.com@x", "sp ace", "[]"}) {
    SetEnvironment({{"KUBERNETES_SERVICE_HOST", host}, {"KUBERNETES_SERVICE_PORT", "443"}});
    EXPECT_THAT(Error(), HasSubstr("KUBERNETES_SERVICE_HOST \"")) << host;
  }
}

TEST_F(InClusterConfigTest, MissingTokenOrCaIsNamedWithThePath) {
  sources_.token_file = dir_.path() + "/absent";
  EXPECT_EQ(Error(), "cannot read token " + dir_.path() + "/absent: No such file or directory");
  sources_.token_file = dir_.path() + "/token";
  sources_.ca_file = dir_.path() + "/absent.crt";
  EXPECT_EQ(Error(),
            "cannot read CA file " + dir_.path() + "/absent.crt: No such file or directory");
}

TEST_F(InClusterConfigTest, CaFileWithoutCertificateIsRefused) {
  dir_.Write("ca.crt", "not a certificate");
  EXPECT_EQ(Error(), "CA file " + dir_.path() + "/ca.crt holds no PEM certificate");
}

TEST_F(InClusterConfigTest, TokenIsTrimmedAndChecked) {
  dir_.Write("t1", "  abc.def\r\n");
  auto token = ReadBearerToken(dir_.path() + "/t1");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "abc.def");

  dir_.Write("t2", " \n");
  EXPECT_THAT(ReadBearerToken(dir_.path() + "/t2").status().message(), HasSubstr("is empty"));
  dir_.Write("t3", "abc\r\nX-Injected: 1");
  EXPECT_THAT(ReadBearerToken(dir_.path() + "/t3").status().message(),
              HasSubstr("cannot go in an HTTP header"));
  dir_.Write("t4", std::string(70 * 1024, 'a'));
  EXPECT_THAT(ReadBearerToken(dir_.path() + "/t4").status().message(), HasSubstr("larger than"));
  EXPECT_THAT(ReadBearerToken(dir_.path()).status().message(),
              HasSubstr("cannot read token " + dir_.path()));
}

TEST(NodeNameTest, ComesFromTheDownwardApiVariable) {
  auto name = NodeNameFromEnvironment(FakeEnvironment({{"NODE_NAME", "aks-sgx-1.internal"}}));
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(*name, "aks-sgx-1.internal");
  auto other = NodeNameFromEnvironment(FakeEnvironment({{"MY_NODE", "n1"}}), "MY_NODE");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(*other, "n1");
}

TEST(NodeNameTest, UnsetNameSaysHowToSetIt) {
  auto name = NodeNameFromEnvironment(FakeEnvironment({}));
  EXPECT_EQ(name.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(name.status().message(), HasSubstr("NODE_NAME is not set"));
  EXPECT_THAT(name.status().message(), HasSubstr("spec.nodeName"));
}

TEST(NodeNameTest, NamesThatCannotBeNodesAreRefused) {
  for (const char* bad : {"Upper", "a/b", "../x", "-a", "a-", "a..b", ".a", "a b", "a?b=c"}) {
    auto name = NodeNameFromEnvironment(FakeEnvironment({{"NODE_NAME", bad}}));
    EXPECT_EQ(name.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto long_name = NodeNameFromEnvironment(FakeEnvironment({{"NODE_NAME", std::string(64, 'a')}}));
  EXPECT_FALSE(long_name.ok());
}

}  // namespace
}  // namespace teedp::kubeapi
