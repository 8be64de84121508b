#include "app/config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace teedp::app {
namespace {

using ::testing::HasSubstr;

// A command with the kinds of options serve has: a string with an environment variable, a
// validated number, a flag.
class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_.add_option("--plugin-dir", plugin_dir_)->envname("TEE_TEST_PLUGIN_DIR");
    app_.add_option("--limit", limit_)->check(CLI::Range(1, 100));
    app_.add_flag("--cdi", cdi_);
    app_.add_option("--config", config_);
    unsetenv("TEE_TEST_PLUGIN_DIR");
    path_ = std::filesystem::temp_directory_path() /
            ("tee-config-test-" + std::to_string(getpid()) + ".yaml");
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    unsetenv("TEE_TEST_PLUGIN_DIR");
  }

  absl::Status Run(const std::string& yaml, std::vector<std::string> args = {}) {
    std::ofstream(path_) << yaml;
    args.insert(args.begin(), "serve");
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    app_.parse(static_cast<int>(argv.size()), argv.data());
    return ApplyConfigFile(app_, path_.string(), {"config"});
  }

  CLI::App app_{"test", "serve"};
  std::string plugin_dir_ = "/default";
  int limit_ = 7;
  bool cdi_ = false;
  std::string config_;
  std::filesystem::path path_;
};

TEST_F(ConfigFileTest, FileFillsWhatNothingElseSet) {
  ASSERT_TRUE(Run("plugin-dir: /from/file\nlimit: 42\ncdi: true\n").ok());
  EXPECT_EQ(plugin_dir_, "/from/file");
  EXPECT_EQ(limit_, 42);
  EXPECT_TRUE(cdi_);
}

TEST_F(ConfigFileTest, FlagBeatsEnvironmentBeatsFile) {
  setenv("TEE_TEST_PLUGIN_DIR", "/from/env", 1);
  ASSERT_TRUE(Run("plugin-dir: /from/file\nlimit: 42\n").ok());
  EXPECT_EQ(plugin_dir_, "/from/env");
  EXPECT_EQ(limit_, 42);
}

TEST_F(ConfigFileTest, CommandLineBeatsEverything) {
  setenv("TEE_TEST_PLUGIN_DIR", "/from/env", 1);
  ASSERT_TRUE(
      Run("plugin-dir: /from/file\nlimit: 42\n", {"--plugin-dir", "/from/flag", "--limit=3"}).ok());
  EXPECT_EQ(plugin_dir_, "/from/flag");
  EXPECT_EQ(limit_, 3);
}

TEST_F(ConfigFileTest, EmptyFileChangesNothing) {
  ASSERT_TRUE(Run("").ok());
  ASSERT_TRUE(Run("# only a comment\n").ok());
  EXPECT_EQ(plugin_dir_, "/default");
}

TEST_F(ConfigFileTest, ErrorsNameTheKeyLineAndFile) {
  struct Case {
    std::string yaml;
    std::string says;
  };
  const Case cases[] = {
      {"limit: 3\ncolour: blue\n", "line 2: unknown key \"colour\""},
      {"limit: 1000\n", "limit: \"1000\" is not accepted"},
      {"limit: many\n", "limit: \"many\" is not accepted"},
      {"config: /other.yaml\n", "key \"config\" cannot be set here"},
      {"help: true\n", "key \"help\" cannot be set here"},
      {"--limit: 3\n", "unknown key \"--limit\""},
      {"limit: [1, 2]\n", "expected a single value"},
      {"limit: 1\nlimit: 2\n", "line 2: key \"limit\" given twice"},
      {"- limit\n", "expected a mapping"},
      {"limit: [1\n", "line 2"},
      {"? [a]\n: 1\n", "keys must be plain names"},
  };
  for (const Case& c : cases) {
    CLI::App app{"test", "serve"};
    int limit = 0;
    std::string config;
    app.add_option("--limit", limit)->check(CLI::Range(1, 100));
    app.add_option("--config", config);
    std::ofstream(path_) << c.yaml;
    const char* argv[] = {"serve"};
    app.parse(1, argv);
    absl::Status status = ApplyConfigFile(app, path_.string(), {"config"});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.says)) << c.yaml;
    EXPECT_THAT(std::string(status.message()), HasSubstr(path_.string())) << c.yaml;
  }
}

TEST_F(ConfigFileTest, AMissingFileIsNotFoundByName) {
  absl::Status status = ApplyConfigFile(app_, "/nonexistent/tee.yaml", {});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/tee.yaml"));
}

}  // namespace
}  // namespace teedp::app
