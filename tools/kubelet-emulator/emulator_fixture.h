// Provides EmulatorTest, a gtest fixture with a temporary plugin directory, a running
// KubeletEmulator on it, and helpers to start fake plugins and wait for their lists.
// Thread safety: used from the test's thread only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "fake_device_plugin.h"
#include "kubelet_emulator.h"
#include "support/eventually.h"
#include "test_util.h"

namespace teedp::emulator::testing {

using ::teedp::testing::kWait;

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { StartEmulator(); }

  void StartEmulator() {
    auto kubelet = KubeletEmulator::Start(
        {.plugin_dir = dir_.path(), .rpc_timeout = std::chrono::milliseconds(2000)});
    ASSERT_TRUE(kubelet.ok()) << kubelet.status();
    kubelet_ = std::move(kubelet).value();
  }

  // A fake plugin serving <dir>/<endpoint> with `devices`, registered with the emulator.
  std::unique_ptr<FakeDevicePlugin> StartRegisteredPlugin(
      v1beta1::ListAndWatchResponse devices, bool preferred = false,
      const std::string& endpoint = "fake.sock") {
    auto plugin = std::make_unique<FakeDevicePlugin>(dir_.path(), endpoint);
    EXPECT_TRUE(plugin->serving());
    v1beta1::DevicePluginOptions options;
    options.set_get_preferred_allocation_available(preferred);
    plugin->SetOptions(options);
    plugin->SetDevices(std::move(devices));
    grpc::Status status =
        RegisterWith(kubelet_->socket_path(), MakeRegisterRequest(endpoint, preferred));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plugin;
  }

  // The view once `registrations` were accepted and the current stream delivered a list.
  std::optional<ResourceView> WaitListed(int registrations = 1) {
    return kubelet_->WaitFor(
        kResource,
        [registrations](const ResourceView& view) {
          return view.registrations >= registrations && view.stream_open &&
                 view.list_and_watch_updates > 0;
        },
        kWait);
  }

  TempDir dir_;  // first member: removed after everything that uses it
  std::unique_ptr<KubeletEmulator> kubelet_;
};

}  // namespace teedp::emulator::testing
