#include "app/dra_daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/daemon_loop.h"
#include "app/daemon_metrics.h"
#include "app/dra_metrics.h"
#include "app/dra_report.h"
#include "app/version.h"
#include "common/status_macros.h"
#include "dra/api_claim_reader.h"
#include "kubeapi/in_cluster_config.h"
#include "observe/listen_address.h"
#include "observe/logging.h"

namespace teedp::app {
namespace {

constexpr char kCheckpointFile[] = "claims-checkpoint.json";

absl::Status MakeDirectory(const std::string& flag, const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(flag, ": cannot create ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DraDaemon>> DraDaemon::Create(DaemonOptions options) {
  TEE_RETURN_IF_ERROR(ValidateOptions(options));
  // Every DRA driver reads its claims from the API server: without it there is nothing to serve.
  absl::StatusOr<kubeapi::ApiServerConfig> config = kubeapi::LoadInClusterConfig(
      kubeapi::InClusterSources::FromServiceAccountDir(options.service_account_dir));
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat("--kubelet-api dra reads ResourceClaims through the API "
                                     "server: ",
                                     config.status().message()));
  }
  TEE_ASSIGN_OR_RETURN(std::string node_name,
                       kubeapi::NodeNameFromEnvironment(kubeapi::ProcessEnvironment()));
  auto client = std::make_shared<const kubeapi::ApiServerClient>(*std::move(config));
  DraApi api{.node_name = node_name,
             .read_claim = dra::ApiClaimReader(client.get()),
             .slices = dra::ApiSliceSink(client.get(), node_name),
             .owner = client};
  return CreateWith(std::move(options), std::move(api));
}

absl::StatusOr<std::unique_ptr<DraDaemon>> DraDaemon::CreateWith(DaemonOptions options,
                                                                 DraApi api) {
  TEE_RETURN_IF_ERROR(ValidateOptions(options));
  TEE_ASSIGN_OR_RETURN(auto cpuid, OpenCpuidSource(options));
  TEE_ASSIGN_OR_RETURN(auto loop, EventLoop::Create());
  std::unique_ptr<DraDaemon> daemon(
      new DraDaemon(std::move(options), std::move(cpuid), std::move(loop), std::move(api)));
  // Watch before the probe: a device node that changes after it is then an event, not a change
  // that goes unnoticed until the next one.
  TEE_ASSIGN_OR_RETURN(daemon->device_watcher_, health::DeviceWatcher::Create(daemon->root_));
  TEE_RETURN_IF_ERROR(daemon->OpenDrivers());
  TEE_RETURN_IF_ERROR(daemon->BindMetrics());
  return daemon;
}

DraDaemon::DraDaemon(DaemonOptions options, std::unique_ptr<hw::CpuidSource> cpuid,
                     std::unique_ptr<EventLoop> loop, DraApi api)
    : options_(std::move(options)),
      root_(options_.host_root),
      cpuid_(std::move(cpuid)),
      loop_(std::move(loop)),
      api_(std::move(api)) {}

DraDaemon::~DraDaemon() {
  if (metrics_server_ != nullptr) metrics_server_->Stop();  // its handlers read what follows
  for (auto& driver : drivers_) {
    if (driver->server != nullptr) driver->server->Shutdown();
  }
  slices_.reset();  // its thread reads the devices
}

absl::Status DraDaemon::OpenDrivers() {
  const hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  std::vector<resources::DraDriverDevices> devices = resources::PlanDraDevices(inventory);
  spdlog::info("DRA devices of node {}:\n{}", api_.node_name, DraDevicesText(devices));
  TEE_RETURN_IF_ERROR(MakeDirectory("--cdi-dir", options_.cdi_dir));
  for (const resources::DraDriverDevices& found : devices) {
    auto driver = std::make_unique<Driver>();
    driver->name = found.driver;
    const std::string state_dir = absl::StrCat(options_.dra_plugins_dir, "/", found.driver);
    TEE_RETURN_IF_ERROR(MakeDirectory("--dra-plugins-dir", state_dir));
    TEE_ASSIGN_OR_RETURN(
        driver->preparer,
        dra::ClaimPreparer::Create(
            {.driver = found.driver,
             .node_name = api_.node_name,
             .cdi_dir = options_.cdi_dir,
             .checkpoint_path = absl::StrCat(state_dir, "/", kCheckpointFile)},
            api_.read_claim, [this, name = found.driver] { return DevicesOf(name); }));
    drivers_.push_back(std::move(driver));
  }
  if (drivers_.empty()) {
    spdlog::warn("this node has no SGX or confidential VM guest device: no DRA driver to serve");
  }
  MutexLock lock(&devices_mutex_);
  devices_ = std::move(devices);
  return absl::OkStatus();
}

std::vector<resources::DraDriverDevices> DraDaemon::Devices() const {
  MutexLock lock(&devices_mutex_);
  return devices_;
}

resources::DraDriverDevices DraDaemon::DevicesOf(const std::string& driver) const {
  MutexLock lock(&devices_mutex_);
  for (const resources::DraDriverDevices& devices : devices_) {
    if (devices.driver == driver) return devices;
  }
  return {.driver = driver, .devices = {}};
}

std::vector<Step> DraDaemon::StartUpSteps() {
  return {
      {"signals",
       [this]() -> absl::Status {
         if (!options_.handle_signals) return absl::OkStatus();
         TEE_ASSIGN_OR_RETURN(signal_fd_, QuitOnTerminationSignal(loop_.get()));
         return absl::OkStatus();
       },
       [this] {
         if (signal_fd_.get() >= 0) loop_->Unwatch(signal_fd_.get());
       }},
      {"device watch",
       [this] {
         return loop_->Watch(device_watcher_->fd(), [this] {
           if (device_watcher_->ReadEvents()) Reprobe();
         });
       },
       [this] { loop_->Unwatch(device_watcher_->fd()); }},
      // Started before the sockets, so that a registration finds it; a driver's slices follow its
      // registration, and are deleted once the kubelet can no longer ask for claims.
      {"ResourceSlices",
       [this] {
         std::vector<std::string> names;
         for (const auto& driver : drivers_) names.push_back(driver->name);
         slices_ = std::make_unique<dra::SliceKeeper>(
             api_.slices, std::move(names), [this] { return Devices(); },
             [this](const std::string& name) { return IsRegistered(name); });
         return absl::OkStatus();
       },
       [this] { Withdraw(); }},
      {"DRA sockets", [this] { return StartServers(); }, [this] { StopServers(); }},
      {"metrics server",
       [this] {
         if (metrics_server_ == nullptr) return absl::OkStatus();
         metrics_server_->Start();
         observe::LogFields fields({{"metrics_url", metrics_server_->url()}});
         spdlog::info("serving /metrics, /healthz and /readyz");
         return absl::OkStatus();
       },
       [this] {
         if (metrics_server_ != nullptr) metrics_server_->Stop();
       }},
  };
}

absl::Status DraDaemon::Run() {
  return RunSteps(StartUpSteps(), [this] { loop_->Run(); });
}

void DraDaemon::Stop() { loop_->Quit(); }

absl::Status DraDaemon::StartServers() {
  for (auto& driver : drivers_) {
    Driver* served = driver.get();
    TEE_ASSIGN_OR_RETURN(
        driver->server,
        dra::DraServer::Start({.driver = driver->name,
                               .registry_dir = options_.dra_registry_dir,
                               .plugins_dir = options_.dra_plugins_dir},
                              driver->preparer.get(),
                              [this, served](bool registered, const std::string& error) {
                                OnRegistration(served, registered, error);
                              }));
    spdlog::info("serving DRA driver {} on {}; registration socket {}", driver->name,
                 driver->server->endpoint(), driver->server->registration_socket());
  }
  return absl::OkStatus();
}

void DraDaemon::StopServers() {
  for (auto& driver : drivers_) {
    if (driver->server == nullptr) continue;
    spdlog::info("stopping: removing the sockets of DRA driver {}", driver->name);
    driver->server->Shutdown();
    driver->registered = false;
  }
}

void DraDaemon::Withdraw() {
  if (slices_ == nullptr) return;
  if (absl::Status status = slices_->Withdraw(); !status.ok()) {
    spdlog::error("cannot delete this node's ResourceSlices: {}", status.ToString());
  }
  slices_.reset();
}

bool DraDaemon::IsRegistered(const std::string& name) const {
  return std::any_of(drivers_.begin(), drivers_.end(), [&](const auto& driver) {
    return driver->name == name && driver->registered;
  });
}

void DraDaemon::OnRegistration(Driver* driver, bool registered, const std::string& error) {
  driver->registered = registered;
  if (!registered) {
    spdlog::error("the kubelet refused DRA driver {}: {}", driver->name, error);
    return;
  }
  spdlog::info("registered DRA driver {} with the kubelet", driver->name);
  // A registration may follow a kubelet start, which deleted the node's ResourceSlices (kubelet
  // 1.37 does so at start, and 30 s after a driver's last plugin left; never on registration).
  slices_->Request();
}

void DraDaemon::Reprobe() {
  const hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  std::vector<resources::DraDriverDevices> devices = resources::PlanDraDevices(inventory);
  {
    MutexLock lock(&devices_mutex_);
    if (devices == devices_) return;
  }
  for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  spdlog::info("DRA devices changed:\n{}", DraDevicesText(devices));
  for (const resources::DraDriverDevices& found : devices) {
    const bool served = std::any_of(drivers_.begin(), drivers_.end(), [&](const auto& driver) {
      return driver->name == found.driver;
    });
    if (!served) {
      spdlog::warn("DRA driver {} has devices now; restart the plugin to serve it", found.driver);
    }
  }
  {
    MutexLock lock(&devices_mutex_);
    devices_ = std::move(devices);
  }
  slices_->Request();
}

absl::Status DraDaemon::BindMetrics() {
  if (options_.metrics_address.empty()) return absl::OkStatus();
  absl::StatusOr<observe::ListenAddress> address =
      observe::ParseListenAddress(options_.metrics_address);
  if (!address.ok()) return address.status();  // ValidateOptions refused it already
  if (!options_.pod_resources_socket.empty()) {
    std::set<std::string> drivers;
    for (const auto& driver : drivers_) drivers.insert(driver->name);
    pod_resources_ =
        std::make_unique<observe::PodResourcesReader>(observe::PodResourcesReader::Options{
            .socket_path = options_.pod_resources_socket, .resources = {}, .drivers = drivers});
  }
  TEE_ASSIGN_OR_RETURN(metrics_server_,
                       observe::MetricsServer::Bind(
                           *address, {.metrics = [this] { return RenderMetrics(); },
                                      .healthz = [this] { return CheckLoopRuns(loop_.get()); },
                                      .readyz = [this] { return CheckReady(); }}));
  return absl::OkStatus();
}

std::string DraDaemon::RenderMetrics() const {
  observe::MetricsText text;
  WriteBuildInfo(text, ThisBuild().version, ThisBuild().git_commit);
  std::vector<DraDriverMetricsView> views;
  for (const auto& driver : drivers_) {
    views.push_back(
        {.devices = DevicesOf(driver->name),
         .registered = driver->registered,
         .prepared_claims = driver->preparer->PreparedCount(),
         .epc_claimed = driver->preparer->ConsumedCapacity(resources::kEpcCapacity),
         .counters = driver->server == nullptr ? nullptr : &driver->server->counters()});
  }
  WriteDraMetrics(text, views, slices_ == nullptr ? 0 : slices_->published());
  if (pod_resources_ != nullptr) {
    std::map<std::tuple<std::string, std::string, std::string>, uint64_t> epc_by_claim;
    for (const auto& driver : drivers_) {
      epc_by_claim.merge(driver->preparer->ConsumedByClaim(resources::kEpcCapacity));
    }
    WriteDraPodMetrics(text, pod_resources_->Read(), epc_by_claim);
  }
  return text.Take();
}

observe::ProbeResult DraDaemon::CheckReady() const {
  std::vector<std::string> waiting;
  for (const auto& driver : drivers_) {
    if (!driver->registered) waiting.push_back(driver->name);
  }
  if (waiting.empty()) return {true, ""};
  return {false, absl::StrCat("DRA drivers not registered with the kubelet: ",
                              absl::StrJoin(waiting, ", "))};
}

}  // namespace teedp::app
