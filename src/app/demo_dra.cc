#include "app/demo_dra.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/demo_dra_api.h"
#include "app/demo_narrator.h"
#include "app/demo_scenario.h"
#include "app/dra_daemon.h"
#include "dra_kubelet.h"
#include "hw/inventory.h"
#include "kubeapi/quantity.h"

namespace teedp::app {
namespace {

constexpr char kNode[] = "demo-node";
constexpr absl::Duration kWait = absl::Seconds(10);
const std::string kDriver(resources::kSgxDraDriver);

// Re-checks `done` until it holds or kWait passes (the daemon publishes from its own thread).
bool WaitUntil(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + kWait;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// The daemon serving on a thread of its own, stopped and joined when this goes.
class ServingDaemon {
 public:
  static std::unique_ptr<ServingDaemon> Start(DemoNarrator& say, const DaemonOptions& options,
                                              DemoDraApi& api) {
    auto daemon = DraDaemon::CreateWith(options, api.Api());
    if (!daemon.ok()) {
      say.Fail(daemon.status().ToString());
      return nullptr;
    }
    return std::unique_ptr<ServingDaemon>(new ServingDaemon(say, *std::move(daemon)));
  }
  ~ServingDaemon() {
    daemon_->Stop();
    thread_.join();
  }
  ServingDaemon(const ServingDaemon&) = delete;
  ServingDaemon& operator=(const ServingDaemon&) = delete;

 private:
  ServingDaemon(DemoNarrator& say, std::unique_ptr<DraDaemon> daemon)
      : daemon_(std::move(daemon)), thread_([this, &say] {
          if (absl::Status status = daemon_->Run(); !status.ok()) {
            say.Fail("serve: " + status.ToString());
          }
        }) {}
  std::unique_ptr<DraDaemon> daemon_;
  std::thread thread_;
};

std::string DescribeDevice(const resources::DraDevice& device) {
  std::vector<std::string> parts;
  for (const auto& [name, capacity] : device.capacity) {
    parts.push_back(absl::StrCat("capacity ", name, " ", kubeapi::BytesToQuantity(capacity.value)));
  }
  if (auto type = device.attributes.find("type"); type != device.attributes.end()) {
    parts.push_back("type " + std::get<std::string>(type->second));
  }
  if (auto numa = device.attributes.find("numaNode"); numa != device.attributes.end()) {
    parts.push_back(absl::StrCat("numaNode ", std::get<int64_t>(numa->second)));
  }
  return absl::StrCat(device.name, ": ", absl::StrJoin(parts, ", "));
}

// What the CDI spec file gives a container: its device nodes, mounts and environment.
std::string DescribeCdiSpec(const std::string& path) {
  std::ifstream in(path);
  const nlohmann::json spec = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!spec.is_object() || !spec.contains("devices") || !spec["devices"].is_array()) return "";
  std::vector<std::string> gets;
  for (const nlohmann::json& device : spec["devices"]) {
    const nlohmann::json& edits = device.value("containerEdits", nlohmann::json::object());
    for (const nlohmann::json& node : edits.value("deviceNodes", nlohmann::json::array())) {
      gets.push_back(node.value("path", "?"));
    }
    for (const nlohmann::json& mount : edits.value("mounts", nlohmann::json::array())) {
      gets.push_back("mount " + mount.value("containerPath", "?"));
    }
    for (const nlohmann::json& env : edits.value("env", nlohmann::json::array())) {
      if (env.is_string()) gets.push_back("env " + env.get<std::string>());
    }
  }
  return absl::StrJoin(gets, ", ");
}

// One claim's prepare as the kubelet makes it; the CDI device IDs, or empty after saying why.
std::vector<std::string> Prepare(DemoNarrator& say, emulator::DraKubelet& kubelet,
                                 const dra::ResourceClaim& claim) {
  auto answer = kubelet.Prepare(kDriver, {{claim.namespace_name, claim.name, claim.uid}});
  if (!answer.ok()) {
    say.Check(false, answer.status().ToString());
    return {};
  }
  const auto& result = answer->claims().at(claim.uid);
  if (!result.error().empty()) {
    say.Check(false, "per-claim error: " + result.error());
    return {};
  }
  std::vector<std::string> ids;
  for (const auto& device : result.devices()) {
    ids.insert(ids.end(), device.cdi_device_ids().begin(), device.cdi_device_ids().end());
  }
  return ids;
}

// Whether the daemon would serve sgx.tee.dev on the node `options` name.
bool ServesSgx(const DaemonOptions& options) {
  absl::StatusOr<std::unique_ptr<hw::CpuidSource>> cpuid = OpenCpuidSource(options);
  if (!cpuid.ok()) return false;
  const std::vector<resources::DraDriverDevices> drivers =
      resources::PlanDraDevices(hw::ProbeInventory(hw::HostRoot(options.host_root), **cpuid));
  return !drivers.empty() && drivers[0].driver == kDriver;
}

}  // namespace

int RunDraDemoIn(const std::string& work_dir, const std::string& spec) {
  DemoNarrator say;
  const std::string host_root = work_dir + "/host";
  const std::string registry = work_dir + "/plugins_registry";
  const std::string cdi_dir = work_dir + "/cdi";
  std::filesystem::create_directories(registry);  // the kubelet makes it
  if (!SimulateNode(say, spec, host_root)) return say.Summary();

  DaemonOptions options;
  options.kubelet_api = kDraKubeletApi;
  options.host_root = host_root;
  options.cpuid_dump = host_root + "/cpuid.txt";
  options.dra_registry_dir = registry;
  options.dra_plugins_dir = work_dir + "/plugins";
  options.cdi_dir = cdi_dir;
  options.handle_signals = false;
  options.metrics_address.clear();
  options.nfd_features_dir.clear();
  options.pod_resources_socket.clear();
  DemoDraApi api(kNode);
  if (!ServesSgx(options)) {
    return say.Fail("the DRA demo claims EPC, and the simulated node has no usable SGX (--spec " +
                    spec + ")");
  }

  say.Step("starting tee-device-plugin serve --kubelet-api dra");
  const auto started = std::chrono::steady_clock::now();
  auto daemon = ServingDaemon::Start(say, options, api);
  if (daemon == nullptr) return say.Summary();
  emulator::DraKubelet kubelet(registry);
  absl::Status registered = kubelet.WaitAndRegister(kDriver, kWait);
  say.Check(registered.ok(), registered.ok()
                                 ? absl::StrCat("the kubelet's plugin watcher registered ", kDriver,
                                                " (", kubelet.VersionOf(kDriver), ") ",
                                                DemoNarrator::Since(started), " after the start")
                                 : registered.ToString());
  if (!registered.ok()) return say.Summary();

  say.Step("ResourceSlices of node " + std::string(kNode) + ", as the scheduler sees them");
  say.Check(WaitUntil([&] { return !api.Published(kDriver).devices.empty(); }),
            "published: one shareable EPC device per NUMA node, capacity in bytes");
  for (const resources::DraDevice& device : api.Published(kDriver).devices) {
    say.Detail(DescribeDevice(device));
  }

  say.Step("the scheduler allocates EPC claims: 64Mi, 3Gi, 3Gi, 5Gi");
  std::optional<dra::ResourceClaim> small = api.AllocateEpc("enclave-64mi", uint64_t{64} << 20);
  std::optional<dra::ResourceClaim> big_a = api.AllocateEpc("enclave-3gi-a", uint64_t{3} << 30);
  std::optional<dra::ResourceClaim> big_b = api.AllocateEpc("enclave-3gi-b", uint64_t{3} << 30);
  std::optional<dra::ResourceClaim> huge = api.AllocateEpc("enclave-5gi", uint64_t{5} << 30);
  for (const auto* claim : {&small, &big_a, &big_b}) {
    say.Check(claim->has_value(), claim->has_value()
                                      ? (*claim)->name + " on " + (*claim)->results[0].device
                                      : "a claim that fits found no device");
  }
  say.Check(!huge.has_value(),
            "enclave-5gi stays Pending: one request is served by one device, and no NUMA node "
            "has 5Gi of EPC");
  if (!small) return say.Summary();

  say.Step("the kubelet prepares enclave-64mi (NodePrepareResources)");
  const std::vector<std::string> ids = Prepare(say, kubelet, *small);
  const std::string spec_path = absl::StrCat(cdi_dir, "/", kDriver, "-claim-", small->uid, ".json");
  say.Check(ids.size() == 1, "CDI device " + absl::StrJoin(ids, ", "));
  const std::string gets = DescribeCdiSpec(spec_path);
  say.Check(gets.find("/dev/sgx_enclave") != std::string::npos,
            "the claim's CDI spec gives the container: " + gets);

  say.Step("restarting the plugin: the prepared claim is in its checkpoint");
  daemon.reset();
  say.Check(api.Published(kDriver).devices.empty(), "slices deleted on the clean shutdown");
  daemon = ServingDaemon::Start(say, options, api);
  if (daemon == nullptr) return say.Summary();
  kubelet.Restart();
  registered = kubelet.WaitAndRegister(kDriver, kWait);
  say.Check(registered.ok() && WaitUntil([&] { return !api.Published(kDriver).devices.empty(); }),
            "registered and published again");
  say.Check(Prepare(say, kubelet, *small) == ids, "the repeated prepare gives the same CDI device");

  say.Step("the pod is deleted: the kubelet unprepares enclave-64mi");
  auto unprepared = kubelet.Unprepare(kDriver, {{small->namespace_name, small->name, small->uid}});
  say.Check(unprepared.ok() && unprepared->claims().at(small->uid).error().empty(), "unprepared");
  say.Check(!std::filesystem::exists(spec_path), "its CDI spec is gone");
  api.Delete(small->name);

  say.Step("stopping the plugin");
  daemon.reset();
  say.Check(!std::filesystem::exists(registry + "/" + kDriver + "-reg.sock") &&
                api.Published(kDriver).devices.empty(),
            "registration socket removed, ResourceSlices deleted");
  return say.Summary();
}

}  // namespace teedp::app
