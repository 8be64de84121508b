#include "app/plugin_daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/byte_size.h"
#include "common/status_macros.h"

namespace tee::app {
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
         a.has_topology == b.has_topology && a.container_edits == b.container_edits;
}

}  // namespace

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
  TEE_RETURN_IF_ERROR(daemon->Plan());
  return daemon;
}

PluginDaemon::PluginDaemon(DaemonOptions options, std::unique_ptr<hw::CpuidSource> cpuid,
                           std::unique_ptr<EventLoop> loop)
    : options_(std::move(options)),
      root_(options_.host_root),
      cpuid_(std::move(cpuid)),
      loop_(std::move(loop)) {}

PluginDaemon::~PluginDaemon() {
  if (endpoint_ != nullptr) endpoint_->Shutdown(std::chrono::milliseconds(0));
  endpoint_.reset();
  if (store_ != nullptr) store_->WaitForNoWatchers(absl::Seconds(2));
  if (signal_fd_ >= 0) close(signal_fd_);
}

absl::Status PluginDaemon::Plan() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  TEE_ASSIGN_OR_RETURN(resources::EpcPlan plan, resources::PlanEpcDevices(inventory, options_.epc));
  LogPlan(inventory, plan);
  store_ = std::make_unique<kubelet::SnapshotStore>(
      kubelet::MakeSnapshot(1, std::make_shared<const resources::EpcPlan>(std::move(plan))));
  return absl::OkStatus();
}

void PluginDaemon::LogPlan(const hw::Inventory& inventory, const resources::EpcPlan& plan) {
  spdlog::info("{}: {} units of {} ({} of EPC, {} NUMA block(s), driver {}), {}",
               plan.resource_name, plan.unit_count, FormatByteSize(plan.unit_bytes),
               FormatByteSize(inventory.epc_bytes), plan.blocks.size(),
               hw::SgxDriverName(inventory.driver),
               plan.healthy ? "Healthy" : "Unhealthy: " + plan.health_reason);
  for (const std::string& note : inventory.notes) spdlog::info("note: {}", note);
  if (plan.capped()) spdlog::warn("{}", CappedWarning(inventory, plan));
}

absl::Status PluginDaemon::Run() {
  if (options_.handle_signals) TEE_RETURN_IF_ERROR(WatchSignals());
  kubelet::PluginEndpoint::Options endpoint_options{options_.plugin_dir, options_.epc.resource_name,
                                                    options_.register_timeout};
  endpoint_ = std::make_unique<kubelet::PluginEndpoint>(loop_.get(), store_.get(),
                                                        std::move(endpoint_options));
  TEE_RETURN_IF_ERROR(endpoint_->Start());
  TEE_RETURN_IF_ERROR(WatchDevices());
  loop_->Run();
  spdlog::info("stopping: removing {} and closing streams",
               kubelet::SocketNameFor(options_.epc.resource_name));
  clean_shutdown_ = endpoint_->Shutdown(kShutdownGrace);
  if (clean_shutdown_) store_->WaitForNoWatchers(absl::Seconds(1));
  return absl::OkStatus();
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
  TEE_ASSIGN_OR_RETURN(device_watcher_, health::DeviceWatcher::Create(root_));
  return loop_->Watch(device_watcher_->fd(), [this] {
    if (device_watcher_->ReadEvents()) Reprobe();
  });
}

void PluginDaemon::Reprobe() {
  hw::Inventory inventory = hw::ProbeInventory(root_, *cpuid_);
  auto plan = resources::PlanEpcDevices(inventory, options_.epc);
  if (!plan.ok()) {  // the config was accepted at start, so this cannot happen; keep serving
    spdlog::error("re-planning failed: {}", plan.status().ToString());
    return;
  }
  std::shared_ptr<const kubelet::PluginSnapshot> current = store_->Current();
  if (SamePlan(*current->plan, *plan)) return;
  if (current->plan->healthy != plan->healthy) {
    spdlog::warn("{} is now {}{}", plan->resource_name, plan->healthy ? "Healthy" : "Unhealthy",
                 plan->healthy ? "" : ": " + plan->health_reason);
  }
  LogPlan(inventory, *plan);
  store_->Publish(kubelet::MakeSnapshot(
      current->version + 1, std::make_shared<const resources::EpcPlan>(std::move(plan).value())));
}

}  // namespace tee::app
