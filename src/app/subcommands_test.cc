#include "app/subcommands.h"

#include <gtest/gtest.h>

#include "app/daemon_options.h"

namespace teedp::app {
namespace {

TEST(SubcommandsTest, FindsEveryListedSubcommand) {
  for (const Subcommand& subcommand : Subcommands()) {
    EXPECT_EQ(FindSubcommand(subcommand.name), &subcommand);
  }
  EXPECT_EQ(FindSubcommand("nope"), nullptr);
}

TEST(SubcommandsTest, SuggestsTheNearestNameForATypo) {
  EXPECT_EQ(NearestSubcommand("serv"), "serve");
  EXPECT_EQ(NearestSubcommand("detetc"), "detect");
  EXPECT_EQ(NearestSubcommand("dmeo"), "demo");
  EXPECT_EQ(NearestSubcommand("completely-different"), std::nullopt);
}

std::vector<std::string> Forward(std::vector<const char*> argv) {
  std::vector<std::string> args = ArgsForParser(static_cast<int>(argv.size()), argv.data());
  return {args.rbegin(), args.rend()};
}

TEST(ArgsForParserTest, AnEmptyAssignmentBecomesAFlagWithAnEmptyValue) {
  using Args = std::vector<std::string>;
  EXPECT_EQ(Forward({"serve", "--metrics-address=", "--log-format", "json"}),
            (Args{"--metrics-address", "", "--log-format", "json"}));
  EXPECT_EQ(Forward({"serve", "--nfd-features-dir=", "--pod-resources-socket="}),
            (Args{"--nfd-features-dir", "", "--pod-resources-socket", ""}));
  // Untouched: values after "=", short and bare flags, a lone "--=" and anything after "--".
  EXPECT_EQ(Forward({"serve", "--a=b", "-x=", "--=", "--keep", "--", "--c="}),
            (Args{"--a=b", "-x=", "--=", "--keep", "--", "--c="}));
  EXPECT_EQ(Forward({"serve", "--a==", "--b=c="}), (Args{"--a==", "--b=c="}));
  EXPECT_TRUE(Forward({"serve"}).empty());
}

TEST(ArgsForParserTest, CliElevenReadsTheEmptyValueAndNotTheNextFlag) {
  for (const char* spelling : {"--metrics-address=", "--metrics-address"}) {
    DaemonOptions options;
    CLI::App app;
    AddServeFlags(app, &options);
    std::vector<const char*> argv = {"serve", spelling};
    if (std::string_view(spelling).back() != '=') argv.push_back("");
    argv.insert(argv.end(), {"--log-format", "json"});
    EXPECT_EQ(ParseFlags(app, static_cast<int>(argv.size()), const_cast<char**>(argv.data())),
              std::nullopt)
        << spelling;
    EXPECT_EQ(options.metrics_address, "") << spelling;
    EXPECT_EQ(options.log_format, "json") << spelling << ": the next flag was swallowed";
  }
}

TEST(DaemonOptionsTest, DefaultsAreValid) { EXPECT_TRUE(ValidateOptions(DaemonOptions()).ok()); }

TEST(DaemonOptionsTest, RelativeDirectoriesAndBadResourceNamesAreRefused) {
  DaemonOptions options;
  options.plugin_dir = "plugins";
  EXPECT_NE(ValidateOptions(options).message().find("--plugin-dir"), std::string::npos);
  options = DaemonOptions();
  options.host_root = "";
  EXPECT_NE(ValidateOptions(options).message().find("--host-root"), std::string::npos);
  options = DaemonOptions();
  options.resources.epc_resource = "no_domain";
  EXPECT_NE(ValidateOptions(options).message().find("--epc-resource"), std::string::npos);
}

TEST(DaemonOptionsTest, FlagsReadTheirEnvironmentVariables) {
  setenv("TEE_PLUGIN_DIR", "/env/plugins", 1);
  setenv("TEE_EPC_RESOURCE", "example.com/epc", 1);
  DaemonOptions options;
  CLI::App app;
  AddServeFlags(app, &options);
  const char* argv[] = {"serve", "--epc-resource", "flag.example.com/epc"};
  app.parse(3, const_cast<char**>(argv));
  unsetenv("TEE_PLUGIN_DIR");
  unsetenv("TEE_EPC_RESOURCE");
  EXPECT_EQ(options.plugin_dir, "/env/plugins");
  EXPECT_EQ(options.resources.epc_resource, "flag.example.com/epc")
      << "a flag beats the environment";
}

}  // namespace
}  // namespace teedp::app
