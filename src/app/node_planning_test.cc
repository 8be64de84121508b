// serve and detect plan through resources::PlanNode: a configuration one refuses, so does the
// other, on the same simulated node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/daemon_options.h"
#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "hw/simulated_node.h"
#include "support/temp_dir.h"

namespace teedp::app {
namespace {

using ::testing::HasSubstr;

// A TDX guest with a vTPM, written under a temporary host root.
class GuestNode {
 public:
  GuestNode() {
    absl::StatusOr<hw::SimulatedNode> node =
        hw::ParseSimulatedNodeSpec("numa=64MiB driver=in-kernel guest=tdx,tpm");
    EXPECT_TRUE(node.ok() && hw::WriteSimulatedNode(dir_.path(), *node).ok());
  }
  std::string root() const { return dir_.path(); }
  std::string cpuid() const { return dir_.path() + "/cpuid.txt"; }

 private:
  teedp::testing::TempDir dir_;
};

int Detect(const GuestNode& node, std::vector<std::string> flags) {
  std::vector<std::string> args = {"detect", "--host-root", node.root(), "--cpuid-dump",
                                   node.cpuid()};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return RunDetect(static_cast<int>(argv.size()), argv.data());
}

using Names = std::map<hw::GuestTee, resources::ResourceName>;

resources::ResourceName Name(std::string_view text) {
  return resources::ResourceName::Parse(text).value();
}

absl::Status Serve(const GuestNode& node, const Names& names) {
  DaemonOptions options;
  options.host_root = node.root();
  options.cpuid_dump = node.cpuid();
  options.plugin_dir = node.root() + "/plugins";
  options.metrics_address = "";
  options.nfd_features_dir = "";
  options.pod_resources_socket = "";
  options.handle_signals = false;
  options.resources.guest_resource_names = names;
  return PluginDaemon::Create(options).status();
}

TEST(NodePlanningTest, ServeAndDetectRefuseNamesThatShareASocket) {
  GuestNode node;
  const Names clash = {{hw::GuestTee::kTdx, Name("a.example.com/attest")},
                       {hw::GuestTee::kTpm, Name("b.example.com/attest")}};
  absl::Status served = Serve(node, clash);
  EXPECT_EQ(served.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(served.message(), HasSubstr("attest.sock"));
  ::testing::internal::CaptureStderr();
  const int detected = Detect(
      node, {"--tdx-resource", "a.example.com/attest", "--tpm-resource", "b.example.com/attest"});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(detected, kExitUsage);
  EXPECT_THAT(err, HasSubstr("attest.sock"));
}

TEST(NodePlanningTest, ServeAndDetectAcceptDistinctNames) {
  GuestNode node;
  EXPECT_TRUE(Serve(node, {{hw::GuestTee::kTdx, Name("a.example.com/tdx-attest")}}).ok());
  ::testing::internal::CaptureStdout();
  const int detected = Detect(node, {"--tdx-resource", "a.example.com/tdx-attest"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(detected, kExitOk);
  EXPECT_THAT(out, HasSubstr("a.example.com/tdx-attest"));
}

}  // namespace
}  // namespace teedp::app
