// `demo`: the whole flow on a simulated node against the built-in kubelet emulator, narrated.
// Exits 0 only when every step did what it should.
#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "absl/strings/str_join.h"
#include "app/demo_dra.h"
#include "app/demo_narrator.h"
#include "app/demo_scenario.h"
#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "common/byte_size.h"
#include "common/errno_text.h"
#include "hw/simulated_node.h"
#include "kubelet/plugin_endpoint.h"
#include "kubelet_emulator.h"
#include "observe/logging.h"

namespace teedp::app {
namespace {

constexpr std::chrono::milliseconds kWait{10000};

struct DemoSettings {
  std::string spec = "numa=4GiB,4GiB driver=in-kernel aesmd=on";
  std::string kubelet_api = kDeviceKubeletApi;
  int64_t pod_units = 10;
  std::string log_level = "warn";
  bool keep = false;
};

int RunDemoIn(const std::string& work_dir, const DemoSettings& settings) {
  DemoNarrator say;
  const std::string host_root = work_dir + "/host";
  const std::string plugin_dir = work_dir + "/device-plugins";
  std::filesystem::create_directories(plugin_dir);
  if (!SimulateNode(say, settings.spec, host_root)) return kExitFailure;

  say.Step("starting the kubelet emulator on " + plugin_dir + "/kubelet.sock");
  auto kubelet = emulator::KubeletEmulator::Start({.plugin_dir = plugin_dir});
  if (!kubelet.ok()) return say.Fail(kubelet.status().ToString());

  DaemonOptions options;
  options.plugin_dir = plugin_dir;
  options.host_root = host_root;
  options.cpuid_dump = host_root + "/cpuid.txt";
  options.handle_signals = false;
  // The demo runs anywhere: no port, no NFD file, no kubelet PodResources socket.
  options.metrics_address.clear();
  options.nfd_features_dir.clear();
  options.pod_resources_socket.clear();
  const std::string resource = resources::EpcDeviceResource(options.resources)->str();

  say.Step("starting tee-device-plugin serve");
  auto started = std::chrono::steady_clock::now();
  auto daemon = PluginDaemon::Create(options);
  if (!daemon.ok()) return say.Fail(daemon.status().ToString());
  std::thread serving([&daemon, &say] {
    if (auto status = (*daemon)->Run(); !status.ok()) say.Fail("serve: " + status.ToString());
  });
  auto registered = (*kubelet)->WaitFor(
      resource, [](const emulator::ResourceView& v) { return v.list_and_watch_updates > 0; },
      kWait);
  say.Check(registered.has_value(),
            absl::StrCat("registered ", resource, " as endpoint ",
                         registered ? registered->endpoint : "?", " and opened ListAndWatch in ",
                         DemoNarrator::Since(started)));
  if (registered) RunScenario(say, **kubelet, resource, settings.pod_units);

  say.Step("stopping the plugin");
  (*daemon)->Stop();
  serving.join();
  say.Check(!std::filesystem::exists(plugin_dir + "/" + kubelet::SocketNameFor(resource)),
            "socket removed, streams closed");
  return say.Summary();
}

}  // namespace

int RunDemo(int argc, char** argv) {
  DemoSettings settings;
  CLI::App app("Run the plugin on a simulated SGX node against the built-in kubelet emulator",
               "demo");
  app.add_option("--spec", settings.spec, "Simulated node (see `simulate --help`)")
      ->capture_default_str();
  app.add_option("--pod-mib", settings.pod_units, "EPC units the demo pod asks for")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--log-level", settings.log_level, "The plugin's log level during the demo")
      ->capture_default_str();
  app.add_option("--kubelet-api", settings.kubelet_api,
                 "device-plugin (the device plugin API) or dra (the DRA drivers, with an "
                 "in-memory API server and scheduler)")
      ->check(CLI::IsMember({kDeviceKubeletApi, kDraKubeletApi}))
      ->capture_default_str();
  app.add_flag("--keep", settings.keep, "Keep the temporary host root and plugin directory");
  if (auto exit_code = ParseFlags(app, argc, argv)) return *exit_code;
  if (absl::Status status = observe::SetUpLogging(settings.log_level); !status.ok()) {
    std::cerr << "demo: --log-level: " << status.message() << "\n";
    return kExitUsage;
  }
  // $TMPDIR when set, else /tmp (which an image need not have).
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string parent = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  std::string work = parent + "/tee-demo-XXXXXX";
  if (mkdtemp(work.data()) == nullptr) {
    std::cerr << "demo: cannot create a temporary directory in " << parent << ": "
              << ErrnoText(errno) << " (set TMPDIR to a writable directory)\n";
    return kExitFailure;
  }
  const int exit_code = settings.kubelet_api == kDraKubeletApi ? RunDraDemoIn(work, settings.spec)
                                                               : RunDemoIn(work, settings);
  if (!settings.keep) std::filesystem::remove_all(work);
  return exit_code;
}

}  // namespace teedp::app
