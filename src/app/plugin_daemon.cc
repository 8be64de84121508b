#include "app/plugin_daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/atomic_file.h"
#include "common/byte_size.h"
#include "common/status_macros.h"
#include "observe/logging.h"
#include "resources/cdi_spec.h"

namespace teedp::app {
namespace {

constexpr std::chrono::milliseconds kShutdownGrace{200};

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

bool SamePlan(const resources::EpcPlan& a, const resources::EpcPlan& b) {
  return a.unit_count == b.unit_count && a.blocks == b.blocks && a.healthy == b.healthy &&
         a.has_topology == b.has_topology && a.container_edits == b.container_edits &&
         a.cdi_device == b.cdi_device;
}

// Each resource needs its own socket; two names that end alike ("a.com/x", "b.com/x") would
// share one.
absl::Status CheckSocketsDiffer(const std::vector<resources::ResourceSpec>& specs) {
  std::set<std::string> sockets;
  for (const resources::ResourceSpec& spec : specs) {
    if (!sockets.insert(kubelet::SocketNameFor(spec.resource_name)).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two resources would share the socket ", kubelet::SocketNameFor(spec.resource_name),
          " (the part of the name after the /); rename one of them, such as ", spec.resource_name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string DescribePlan(const hw::Inventory& inventory, const resources::EpcPlan& plan) {
  const std::string health = plan.healthy ? "Healthy" : "Unhealthy: " + plan.health_reason;
  if (plan.shared_device()) {
    std::string device =
        plan.container_edits.devices.empty()
            ? (plan.container_edits.mounts.empty() ? std::string("no device")
                                                   : plan.container_edits.mounts.front().host_path)
            : plan.container_edits.devices.front().host_path;
    return absl::StrCat(plan.resource_name, ": ", plan.unit_count, " containers may share ", device,
                        ", ", health);
  }
  return absl::StrCat(plan.resource_name, ": ", plan.unit_count, " units of ",
                      FormatByteSize(plan.unit_bytes), " (", FormatByteSize(inventory.epc_bytes),
                      " of EPC, ", plan.blocks.size(), " NUMA block(s), driver ",
                      hw::SgxDriverName(inventory.driver), "), ", health);
}

std::string CappedWarning(const hw::Inventory& inventory, const resources::EpcPlan& plan) {
  std::string unit = FormatByteSize(plan.smallest_fitting_unit_bytes);
  std::erase(unit, ' ');  // as the flag takes it: "4MiB"
  std::string advice = plan.smallest_fitting_unit_bytes == 0
                           ? "no unit up to 1 GiB would fit all of it"
                           : absl::StrCat("--epc-unit ", unit,
                                          " (with a resource name that says so) would advertise "
                                          "all of it");
  return absl::StrCat("ADVERTISING ONLY PART OF THE EPC: this node has ",
                      FormatByteSize(inventory.epc_bytes), " = ", plan.units_on_node, " units of ",
                      FormatByteSize(plan.unit_bytes),
                      ", more than one ListAndWatch message the kubelet accepts (4 MiB) can list; "
                      "advertising ",
                      plan.unit_count, " units (",
                      FormatByteSize(plan.unit_count * plan.unit_bytes), "); ", advice);
}

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

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
      loop_(std::move(loop)) {}

PluginDaemon::~PluginDaemon() {
  if (metrics_server_ != nullptr) metrics_server_->Stop();  // its handlers read what follows
  for (Served& served : served_) {
    if (served.endpoint != nullptr) served.endpoint->Shutdown(std::chrono::milliseconds(0));
    served.endpoint.reset();
    served.store->WaitForNoWatchers(absl::Seconds(2));
  }
  if (signal_fd_ >= 0) close(signal_fd_);
}

absl::Status PluginDaemon::Plan() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  TEE_ASSIGN_OR_RETURN(std::vector<resources::ResourceSpec> specs,
                       resources::ResourcesFor(options_.resources, inventory));
  TEE_RETURN_IF_ERROR(CheckSocketsDiffer(specs));
  for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  UpdateNodeLabels(inventory);
  for (resources::ResourceSpec& spec : specs) {
    TEE_ASSIGN_OR_RETURN(resources::EpcPlan plan, PlanOne(inventory, spec));
    LogPlan(inventory, plan);
    auto store = std::make_unique<kubelet::SnapshotStore>(
        kubelet::MakeSnapshot(1, std::make_shared<const resources::EpcPlan>(std::move(plan))));
    served_.push_back({std::move(spec), std::move(store), nullptr});
  }
  if (options_.cdi) TEE_RETURN_IF_ERROR(WriteCdiSpec());
  if (options_.resources.register_epc) {
    // ValidateOptions allowed it only where the profile publishes EPC as an extended resource.
    const std::string name = *resources::EpcExtendedResource(options_.resources);
    absl::StatusOr<std::unique_ptr<kubeapi::CapacityPublisher>> publisher =
        kubeapi::CapacityPublisher::Create(name, inventory.epc_bytes, options_.service_account_dir);
    if (!publisher.ok()) {
      return absl::Status(publisher.status().code(),
                          absl::StrCat("--register-epc: ", publisher.status().message()));
    }
    capacity_publisher_ = std::move(publisher).value();
  }
  return absl::OkStatus();
}

absl::StatusOr<resources::EpcPlan> PluginDaemon::PlanOne(
    const hw::Inventory& inventory, const resources::ResourceSpec& spec) const {
  TEE_ASSIGN_OR_RETURN(resources::EpcPlan plan, resources::PlanResource(inventory, spec));
  if (options_.cdi) plan.cdi_device = resources::QualifiedCdiName(plan.resource_name);
  return plan;
}

absl::Status PluginDaemon::WriteCdiSpec() const {
  std::vector<std::pair<std::string, resources::ContainerEdits>> edits;
  for (const Served& served : served_) {
    std::shared_ptr<const kubelet::PluginSnapshot> current = served.store->Current();
    edits.emplace_back(current->plan->resource_name, current->plan->container_edits);
  }
  const std::string path =
      absl::StrCat(options_.cdi_dir, "/", std::string(resources::kCdiSpecFile));
  TEE_RETURN_IF_ERROR(WriteFileAtomically(path, resources::BuildCdiSpec(edits).dump(2) + "\n"));
  spdlog::info("wrote the CDI spec {}", path);
  return absl::OkStatus();
}

void PluginDaemon::LogPlan(const hw::Inventory& inventory, const resources::EpcPlan& plan) {
  spdlog::info("{}", DescribePlan(inventory, plan));
  if (plan.capped()) spdlog::warn("{}", CappedWarning(inventory, plan));
}

absl::Status PluginDaemon::Run() {
  if (options_.handle_signals) TEE_RETURN_IF_ERROR(WatchSignals());
  TEE_RETURN_IF_ERROR(WatchDevices());
  for (Served& served : served_) {
    kubelet::PluginEndpoint::Options endpoint_options{
        options_.plugin_dir, served.spec.resource_name, options_.register_timeout, nullptr};
    if (capacity_publisher_ != nullptr) {
      // A kubelet that re-registers its Node may drop extended resources it does not serve.
      endpoint_options.on_registered = [this] { capacity_publisher_->Request(); };
    }
    served.endpoint = std::make_unique<kubelet::PluginEndpoint>(loop_.get(), served.store.get(),
                                                                std::move(endpoint_options));
    TEE_RETURN_IF_ERROR(served.endpoint->Start());
  }
  if (metrics_server_ != nullptr) {
    metrics_server_->Start();
    observe::LogFields fields({{"metrics_url", metrics_server_->url()}});
    spdlog::info("serving /metrics, /healthz and /readyz");
  }
  loop_->Run();
  if (metrics_server_ != nullptr) metrics_server_->Stop();
  clean_shutdown_ = ShutdownEndpoints();
  RemoveNodeLabels();
  return absl::OkStatus();
}

bool PluginDaemon::ShutdownEndpoints() {
  bool clean = true;
  for (Served& served : served_) {
    spdlog::info("stopping: removing {} and closing streams",
                 kubelet::SocketNameFor(served.spec.resource_name));
    const bool stopped = served.endpoint->Shutdown(kShutdownGrace);
    if (stopped) served.store->WaitForNoWatchers(absl::Seconds(1));
    clean = clean && stopped;
  }
  return clean;
}

void PluginDaemon::Stop() { loop_->Quit(); }

absl::Status PluginDaemon::WatchSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return absl::InternalError(absl::StrCat("signalfd: ", std::strerror(errno)));
  return loop_->Watch(signal_fd_, [this] {
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
      spdlog::info("received {}", strsignal(static_cast<int>(info.ssi_signo)));
    }
    loop_->Quit();
  });
}

absl::Status PluginDaemon::WatchDevices() {
  return loop_->Watch(device_watcher_->fd(), [this] {
    if (device_watcher_->ReadEvents()) Reprobe();
  });
}

void PluginDaemon::Reprobe() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  UpdateNodeLabels(inventory);
  bool edits_changed = false;
  bool any_changed = false;
  for (Served& served : served_) {
    auto plan = PlanOne(inventory, served.spec);
    if (!plan.ok()) {  // the config was accepted at start, so this cannot happen; keep serving
      spdlog::error("re-planning {} failed: {}", served.spec.resource_name,
                    plan.status().ToString());
      continue;
    }
    std::shared_ptr<const kubelet::PluginSnapshot> current = served.store->Current();
    if (SamePlan(*current->plan, *plan)) continue;
    if (current->plan->healthy != plan->healthy) {
      spdlog::warn("{} is now {}{}", plan->resource_name, plan->healthy ? "Healthy" : "Unhealthy",
                   plan->healthy ? "" : ": " + plan->health_reason);
    }
    edits_changed = edits_changed || current->plan->container_edits != plan->container_edits;
    any_changed = true;
    LogPlan(inventory, *plan);
    served.store->Publish(kubelet::MakeSnapshot(
        current->version + 1, std::make_shared<const resources::EpcPlan>(std::move(plan).value())));
  }
  // Why the plan changed, such as a sysfs value that went bad and is now ignored.
  if (any_changed) {
    for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  }
  if (options_.cdi && edits_changed) {
    if (absl::Status status = WriteCdiSpec(); !status.ok()) {
      spdlog::error("cannot update the CDI spec: {}", status.ToString());
    }
  }
}

}  // namespace teedp::app
