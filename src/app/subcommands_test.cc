#include "app/subcommands.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/daemon_options.h"
#include "resources/epc_units_planner.h"

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
}

TEST(DaemonOptionsTest, BadResourceNamesUnitsAndLimitsAreRefusedAsTheFlagIsParsed) {
  struct Case {
    std::vector<const char*> args;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {{"--epc-resource", "no_domain"}, "--epc-resource: invalid extended resource name"},
           {{"--tdx-resource", "kubernetes.io/tdx"}, "--tdx-resource: invalid extended"},
           {{"--epc-unit", "3MiB"}, "--epc-unit: EPC unit of 3145728 bytes is not a power of two"},
           {{"--enclave-limit", "0"}, "--enclave-limit: 0 containers per node"},
           {{"--profile", "Azure"}, "--profile: unknown profile \"Azure\""},
       }) {
    DaemonOptions options;
    CLI::App app;
    AddServeFlags(app, &options);
    std::vector<const char*> argv = {"serve"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    try {
      app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
      ADD_FAILURE() << c.args[0] << " accepted";
    } catch (const CLI::ValidationError& error) {
      EXPECT_NE(std::string(error.what()).find(c.says), std::string::npos) << error.what();
    }
  }
}

TEST(DaemonOptionsTest, EpcCountedTwiceIsRefusedNamingTheFlags) {
  DaemonOptions intel;
  intel.resources.profile = resources::Profile::kIntel;
  intel.resources.epc_resource = resources::ResourceName::BuiltIn(resources::kDefaultEpcResource);
  absl::Status status = ValidateOptions(intel);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--epc-resource kubernetes.azure.com/sgx_epc_mem_in_MiB with "
                                  "--profile intel would count EPC twice"),
            std::string::npos)
      << status;
  EXPECT_NE(status.message().find("sgx.intel.com/epc"), std::string::npos);
  DaemonOptions azure;
  azure.register_epc = true;
  EXPECT_NE(ValidateOptions(azure).message().find(
                "--register-epc with --profile azure would count EPC twice"),
            std::string::npos);
  intel.resources.epc_resource.reset();
  intel.register_epc = true;
  EXPECT_TRUE(ValidateOptions(intel).ok());
}

TEST(DaemonOptionsTest, EpcUnitAndNameMustAgree) {
  DaemonOptions options;
  options.resources.epc_unit = resources::EpcUnitSize::FromBytes(2 * resources::kMiB).value();
  absl::Status status = ValidateOptions(options);
  EXPECT_NE(status.message().find("--epc-resource and --epc-unit disagree"), std::string::npos)
      << "..._in_MiB counted in 2 MiB: " << status;
  options.resources.epc_resource =
      resources::ResourceName::Parse("example.com/sgx_epc_mem_in_2MiB").value();
  EXPECT_TRUE(ValidateOptions(options).ok());
  options.resources.epc_unit = resources::EpcUnitSize::FromBytes(4 * resources::kMiB).value();
  EXPECT_NE(ValidateOptions(options).message().find("--epc-unit"), std::string::npos);
  options.resources.profile = resources::Profile::kAlibaba;
  options.resources.epc_resource.reset();
  options.resources.epc_unit = resources::EpcUnitSize();
  EXPECT_TRUE(ValidateOptions(options).ok()) << "alibabacloud.com/sgx_epc_MiB says MiB";
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
  EXPECT_EQ(options.resources.epc_resource->str(), "flag.example.com/epc")
      << "a flag beats the environment";
}

}  // namespace
}  // namespace teedp::app
