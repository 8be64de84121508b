#include "app/plugin_daemon.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/daemon_loop.h"
#include "app/plan_report.h"
#include "app/text_pages.h"
#include "common/status_macros.h"
#include "observe/logging.h"

namespace teedp::app {
namespace {

constexpr std::chrono::milliseconds kShutdownGrace{200};

}  // namespace

absl::StatusOr<std::unique_ptr<PluginDaemon>> PluginDaemon::Create(DaemonOptions options) {
  TEE_RETURN_IF_ERROR(ValidateOptions(options));
  TEE_ASSIGN_OR_RETURN(auto cpuid, OpenCpuidSource(options));
  TEE_ASSIGN_OR_RETURN(auto loop, EventLoop::Create());
  std::unique_ptr<PluginDaemon> daemon(
      new PluginDaemon(std::move(options), std::move(cpuid), std::move(loop)));
  // Watch before the probe: a device node that changes after the probe is then an event the loop
  // handles, not a change that goes unnoticed until the next one.
  TEE_ASSIGN_OR_RETURN(daemon->device_watcher_, health::DeviceWatcher::Create(daemon->root_));
  TEE_RETURN_IF_ERROR(daemon->Plan());
  // Bound now, so a busy or bad address is a start-up error before anything is served.
  TEE_RETURN_IF_ERROR(daemon->BindMetrics());
  return daemon;
}

PluginDaemon::PluginDaemon(DaemonOptions options, std::unique_ptr<hw::CpuidSource> cpuid,
                           std::unique_ptr<EventLoop> loop)
    : options_(std::move(options)),
      root_(options_.host_root),
      cpuid_(std::move(cpuid)),
      loop_(std::move(loop)),
      node_labels_(options_.nfd_features_dir) {
  if (options_.cdi) cdi_spec_ = std::make_unique<CdiSpecWriter>(options_.cdi_dir);
}

PluginDaemon::~PluginDaemon() {
  if (metrics_server_ != nullptr) metrics_server_->Stop();  // its handlers read what follows
  for (Served& served : served_) {
    if (served.endpoint != nullptr) served.endpoint->Shutdown(std::chrono::milliseconds(0));
    served.endpoint.reset();
    served.store->WaitForNoWatchers(absl::Seconds(2));
  }
}

absl::Status PluginDaemon::Plan() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  node_config_ = NodeConfigOf(options_);
  TEE_ASSIGN_OR_RETURN(resources::NodePlan node, resources::PlanNode(node_config_, inventory));
  node_config_.guests = node.guests;
  for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  node_labels_.Update(inventory);
  for (resources::ResourcePlan& plan : node.resources) {
    LogPlan(inventory, plan);
    std::string name = plan.resource_name;
    auto store = std::make_unique<kubelet::SnapshotStore>(
        kubelet::MakeSnapshot(1, std::make_shared<const resources::ResourcePlan>(std::move(plan))));
    served_.push_back({std::move(name), std::move(store), nullptr});
  }
  TEE_RETURN_IF_ERROR(WriteCdiSpec());
  return StartCapacityPublisher(inventory);
}

absl::Status PluginDaemon::StartCapacityPublisher(const hw::Inventory& inventory) {
  if (!options_.register_epc) return absl::OkStatus();
  // ValidateOptions allowed it only where the profile publishes EPC as an extended resource.
  const std::string name = *resources::EpcExtendedResource(options_.resources);
  absl::StatusOr<std::unique_ptr<kubeapi::CapacityPublisher>> publisher =
      kubeapi::CapacityPublisher::Create(name, inventory.epc_bytes, options_.service_account_dir);
  if (!publisher.ok()) {
    return absl::Status(publisher.status().code(),
                        absl::StrCat("--register-epc: ", publisher.status().message()));
  }
  capacity_publisher_ = std::move(publisher).value();
  return absl::OkStatus();
}

absl::Status PluginDaemon::WriteCdiSpec() {
  if (cdi_spec_ == nullptr) return absl::OkStatus();
  std::vector<std::shared_ptr<const resources::ResourcePlan>> plans;
  for (const Served& served : served_) plans.push_back(served.store->Current()->plan);
  return cdi_spec_->Write(plans);
}

void PluginDaemon::LogPlan(const hw::Inventory& inventory, const resources::ResourcePlan& plan) {
  spdlog::info("{}", DescribePlan(inventory, plan));
  if (plan.capped()) spdlog::warn("{}", CappedWarning(inventory, plan));
}

std::vector<Step> PluginDaemon::StartUpSteps() {
  return {
      // Written while planning in Create(); taken away last, once nothing is served.
      {"node labels", nullptr, [this] { node_labels_.Remove(); }},
      {"signals",
       [this]() -> absl::Status {
         if (!options_.handle_signals) return absl::OkStatus();
         TEE_ASSIGN_OR_RETURN(signal_fd_, QuitOnTerminationSignal(loop_.get()));
         return absl::OkStatus();
       },
       nullptr},
      {"device watch", [this] { return WatchDevices(); }, nullptr},
      {"kubelet endpoints", [this] { return StartEndpoints(); },
       [this] { clean_shutdown_ = ShutdownEndpoints(); }},
      {"metrics server",
       [this] {
         StartMetrics();
         return absl::OkStatus();
       },
       [this] {
         if (metrics_server_ != nullptr) metrics_server_->Stop();
       }},
      // Register is on its way: encode the lists while the kubelet answers, usually before it
      // asks for them. Not before Register: encoding takes half a millisecond at 8 GiB and tens
      // of milliseconds for the largest lists, none of which Register needs.
      {"device lists",
       [this] {
         for (const Served& served : served_) served.store->Current()->devices();
         return absl::OkStatus();
       },
       nullptr},
  };
}

absl::Status PluginDaemon::Run() {
  return RunSteps(StartUpSteps(), [this] { loop_->Run(); });
}

absl::Status PluginDaemon::StartEndpoints() {
  for (Served& served : served_) {
    kubelet::PluginEndpoint::Options endpoint_options{options_.plugin_dir, served.resource_name,
                                                      options_.register_timeout, nullptr};
    endpoint_options.on_registered = [this] {
      // A kubelet that re-registers its Node may drop extended resources it does not serve.
      if (capacity_publisher_ != nullptr) capacity_publisher_->Request();
      ReleaseStartUpCode();
    };
    served.endpoint = std::make_unique<kubelet::PluginEndpoint>(loop_.get(), served.store.get(),
                                                                std::move(endpoint_options));
    TEE_RETURN_IF_ERROR(served.endpoint->Start());
  }
  return absl::OkStatus();
}

void PluginDaemon::ReleaseStartUpCode() {
  if (start_up_code_released_) return;
  start_up_code_released_ = true;
  if (absl::Status status = ReleaseTextPages(); !status.ok()) {
    spdlog::debug("start-up code stays mapped: {}", status.ToString());
  }
}

void PluginDaemon::StartMetrics() {
  if (metrics_server_ == nullptr) return;
  metrics_server_->Start();
  observe::LogFields fields({{"metrics_url", metrics_server_->url()}});
  spdlog::info("serving /metrics, /healthz and /readyz");
}

bool PluginDaemon::ShutdownEndpoints() {
  bool clean = true;
  for (Served& served : served_) {
    if (served.endpoint == nullptr) continue;  // start-up stopped before it
    spdlog::info("stopping: removing {} and closing streams",
                 kubelet::SocketNameFor(served.resource_name));
    const bool stopped = served.endpoint->Shutdown(kShutdownGrace);
    if (stopped) served.store->WaitForNoWatchers(absl::Seconds(1));
    clean = clean && stopped;
  }
  return clean;
}

void PluginDaemon::Stop() { loop_->Quit(); }

absl::Status PluginDaemon::WatchDevices() {
  return loop_->Watch(device_watcher_->fd(), [this] {
    if (device_watcher_->ReadEvents()) Reprobe();
  });
}

void PluginDaemon::Reprobe() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  node_labels_.Update(inventory);
  absl::StatusOr<resources::NodePlan> node = resources::PlanNode(node_config_, inventory);
  if (!node.ok()) {  // the config was accepted at start, so this cannot happen; keep serving
    spdlog::error("re-planning failed: {}", node.status().ToString());
    return;
  }
  bool edits_changed = false;
  bool any_changed = false;
  // With the guests pinned, the resources and their order are those served since the start.
  for (size_t i = 0; i < served_.size(); ++i) {
    resources::ResourcePlan& plan = node->resources[i];
    std::shared_ptr<const kubelet::PluginSnapshot> current = served_[i].store->Current();
    if (*current->plan == plan) continue;
    if (current->plan->healthy != plan.healthy) {
      spdlog::warn("{} is now {}{}", plan.resource_name, plan.healthy ? "Healthy" : "Unhealthy",
                   plan.healthy ? "" : ": " + plan.health_reason);
    }
    edits_changed = edits_changed || current->plan->container_edits != plan.container_edits;
    any_changed = true;
    LogPlan(inventory, plan);
    served_[i].store->Publish(kubelet::MakeSnapshot(
        current->version + 1, std::make_shared<const resources::ResourcePlan>(std::move(plan))));
  }
  // Why the plan changed, such as a sysfs value that went bad and is now ignored.
  if (any_changed) {
    for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  }
  if (edits_changed) {
    if (absl::Status status = WriteCdiSpec(); !status.ok()) {
      spdlog::error("cannot update the CDI spec: {}", status.ToString());
    }
  }
}

}  // namespace teedp::app
