// The CLI's list and allocate commands against a fake plugin.
#include "cli_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fake_device_plugin.h"
#include "test_util.h"

namespace teedp::emulator::testing {
namespace {

using ::testing::HasSubstr;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plugin_ = std::make_unique<FakeDevicePlugin>(dir_.path(), "p.sock");
    v1beta1::ListAndWatchResponse devices = MakeDevices(4);
    devices.mutable_devices(3)->set_health("Unhealthy");
    plugin_->SetDevices(devices);
    v1beta1::DevicePluginOptions options;
    options.set_get_preferred_allocation_available(true);
    plugin_->SetOptions(options);
  }

  TempDir dir_;
  std::unique_ptr<FakeDevicePlugin> plugin_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CliTest, ListPrintsOptionsAndCounts) {
  ASSERT_EQ(RunList({.socket = plugin_->socket_path()}, out_, err_), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("get_preferred_allocation_available=true"));
  EXPECT_THAT(out_.str(), HasSubstr("devices: 4"));
  EXPECT_THAT(out_.str(), HasSubstr("Healthy: 3"));
  EXPECT_THAT(out_.str(), HasSubstr("NUMA node 1, Unhealthy: 1"));
}

TEST_F(CliTest, AllocateByCountUsesPreferredAllocation) {
  plugin_->SetPreferred({"d2", "d0"});
  ASSERT_EQ(RunAllocate({.socket = plugin_->socket_path(), .ids = {}, .count = 2}, out_, err_),
            kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("allocating 2: d2,d0"));
  EXPECT_THAT(out_.str(), HasSubstr("device /dev/sgx_enclave <- /dev/sgx_enclave (rw)"));
}

TEST_F(CliTest, AllocateErrorsAndUsage) {
  plugin_->SetAllocateError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad id q"));
  EXPECT_EQ(RunAllocate({.socket = plugin_->socket_path(), .ids = {"q"}, .count = 0}, out_, err_),
            kExitFailure);
  EXPECT_THAT(err_.str(), HasSubstr("INVALID_ARGUMENT: bad id q"));
  EXPECT_EQ(RunAllocate({.socket = plugin_->socket_path(), .ids = {}, .count = 0}, out_, err_),
            kExitUsage);
}

}  // namespace
}  // namespace teedp::emulator::testing
