// The observability flags: defaults, environment variables, empty values turning features off,
// and validation.
#include "app/daemon_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "app/config_file.h"

namespace teedp::app {
namespace {

// Parses `args` (after "serve") the way serve does: flags, then empty environment values.
DaemonOptions Parse(std::vector<const char*> args) {
  DaemonOptions options;
  CLI::App app;
  AddServeFlags(app, &options);
  args.insert(args.begin(), "serve");
  app.parse(static_cast<int>(args.size()), const_cast<char**>(args.data()));
  EXPECT_TRUE(ApplyConfig(app, options).ok());
  return options;
}

TEST(ObserveFlagsTest, DefaultsAreTheDeployedOnes) {
  DaemonOptions options = Parse({});
  EXPECT_EQ(options.metrics_address, ":9464");
  EXPECT_EQ(options.log_format, "text");
  EXPECT_EQ(options.nfd_features_dir, "/etc/kubernetes/node-feature-discovery/features.d");
  EXPECT_EQ(options.pod_resources_socket, "/var/lib/kubelet/pod-resources/kubelet.sock");
  EXPECT_TRUE(ValidateOptions(options).ok());
}

TEST(ObserveFlagsTest, FlagsAndEnvironmentSetThem) {
  setenv("TEE_METRICS_ADDRESS", "127.0.0.1:0", 1);
  setenv("TEE_LOG_FORMAT", "json", 1);
  DaemonOptions options =
      Parse({"--nfd-features-dir", "/run/nfd", "--pod-resources-socket", "/run/pr.sock"});
  unsetenv("TEE_METRICS_ADDRESS");
  unsetenv("TEE_LOG_FORMAT");
  EXPECT_EQ(options.metrics_address, "127.0.0.1:0");
  EXPECT_EQ(options.log_format, "json");
  EXPECT_EQ(options.nfd_features_dir, "/run/nfd");
  EXPECT_EQ(options.pod_resources_socket, "/run/pr.sock");
}

TEST(ObserveFlagsTest, EmptyValuesTurnThemOffFromFlagsAndEnvironment) {
  DaemonOptions options = Parse({"--metrics-address", "", "--nfd-features-dir", ""});
  EXPECT_EQ(options.metrics_address, "");
  EXPECT_EQ(options.nfd_features_dir, "");
  setenv("TEE_POD_RESOURCES_SOCKET", "", 1);
  setenv("TEE_METRICS_ADDRESS", "", 1);
  options = Parse({"--metrics-address", ":1234"});
  unsetenv("TEE_POD_RESOURCES_SOCKET");
  unsetenv("TEE_METRICS_ADDRESS");
  EXPECT_EQ(options.pod_resources_socket, "");
  EXPECT_EQ(options.metrics_address, ":1234") << "the flag beats the environment";
  EXPECT_TRUE(ValidateOptions(options).ok());
}

TEST(ObserveFlagsTest, TheConfigFileSetsAndTurnsThemOffToo) {
  DaemonOptions options;
  CLI::App app;
  AddServeFlags(app, &options);
  const char* argv[] = {"serve", "--nfd-features-dir", "/flag/nfd"};
  app.parse(3, const_cast<char**>(argv));
  ASSERT_TRUE(ApplyConfigText(app,
                              "metrics-address: \"\"\nlog-format: json\n"
                              "nfd-features-dir: /file/nfd\npod-resources-socket: /file/pr.sock\n",
                              "test.yaml", {"config"})
                  .ok());
  EXPECT_EQ(options.metrics_address, "");
  EXPECT_EQ(options.log_format, "json");
  EXPECT_EQ(options.nfd_features_dir, "/flag/nfd") << "the flag beats the file";
  EXPECT_EQ(options.pod_resources_socket, "/file/pr.sock");
  CLI::App bad_app;
  DaemonOptions bad;
  AddServeFlags(bad_app, &bad);
  bad_app.parse(1, const_cast<char**>(argv));
  absl::Status status = ApplyConfigText(bad_app, "log-format: xml\n", "test.yaml", {"config"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("log-format"), std::string::npos) << status;
}

TEST(ObserveFlagsTest, BadValuesAreRefusedNamingTheFlag) {
  DaemonOptions options;
  CLI::App app;
  AddServeFlags(app, &options);
  const char* argv[] = {"serve", "--log-format", "xml"};
  EXPECT_THROW(app.parse(3, const_cast<char**>(argv)), CLI::ValidationError);

  struct Case {
    std::string DaemonOptions::*field;
    const char* value;
    const char* says;
  };
  for (const Case& c :
       {Case{&DaemonOptions::metrics_address, "9464", "--metrics-address"},
        Case{&DaemonOptions::metrics_address, ":99999", "--metrics-address"},
        Case{&DaemonOptions::nfd_features_dir, "nfd", "--nfd-features-dir"},
        Case{&DaemonOptions::pod_resources_socket, "k.sock", "--pod-resources-socket"},
        Case{&DaemonOptions::log_format, "xml", "--log-format"},
        Case{&DaemonOptions::service_account_dir, "sa", "--service-account-dir"}}) {
    DaemonOptions bad;
    bad.*c.field = c.value;
    absl::Status status = ValidateOptions(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.value;
    EXPECT_NE(status.message().find(c.says), std::string::npos) << status;
  }
}

// Hidden, for tests that need the Register deadline to expire.
TEST(RegisterTimeoutFlagTest, DefaultsToFiveSecondsAndTakesPositiveMilliseconds) {
  EXPECT_EQ(Parse({}).register_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(Parse({"--register-timeout-ms", "200"}).register_timeout,
            std::chrono::milliseconds(200));
  for (const char* bad : {"--register-timeout-ms=0", "--register-timeout-ms=-5"}) {
    DaemonOptions options;
    CLI::App app;
    AddServeFlags(app, &options);
    std::vector<const char*> args = {"serve", bad};
    EXPECT_THROW(app.parse(static_cast<int>(args.size()), const_cast<char**>(args.data())),
                 CLI::ValidationError)
        << bad;
  }
}

}  // namespace
}  // namespace teedp::app
