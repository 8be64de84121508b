// PluginDaemon's observability: the metrics and probe endpoint and its handlers.
#include <spdlog/spdlog.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/daemon_loop.h"
#include "app/daemon_metrics.h"
#include "app/plugin_daemon.h"
#include "app/version.h"
#include "observe/logging.h"

namespace teedp::app {
absl::Status PluginDaemon::BindMetrics() {
  if (options_.metrics_address.empty()) return absl::OkStatus();
  absl::StatusOr<observe::ListenAddress> address =
      observe::ParseListenAddress(options_.metrics_address);
  if (!address.ok()) return address.status();  // ValidateOptions refused it already
  if (!options_.pod_resources_socket.empty()) {
    std::set<std::string> names;
    for (const Served& served : served_) names.insert(served.resource_name);
    pod_resources_ = std::make_unique<observe::PodResourcesReader>(
        observe::PodResourcesReader::Options{.socket_path = options_.pod_resources_socket,
                                             .resources = std::move(names),
                                             .drivers = {}});
  }
  absl::StatusOr<std::unique_ptr<observe::MetricsServer>> server =
      observe::MetricsServer::Bind(*address, {.metrics = [this] { return RenderMetrics(); },
                                              .healthz = [this] { return CheckLive(); },
                                              .readyz = [this] { return CheckReady(); }});
  if (!server.ok()) return server.status();
  metrics_server_ = std::move(server).value();
  return absl::OkStatus();
}

std::string PluginDaemon::RenderMetrics() {
  observe::MetricsText text;
  WriteBuildInfo(text, ThisBuild().version, ThisBuild().git_commit);
  std::vector<ResourceMetricsView> views;
  for (const Served& served : served_) {
    views.push_back({served.store->Current()->plan, served.endpoint.get()});
  }
  WriteDaemonMetrics(text, views);
  if (pod_resources_ != nullptr) observe::WritePodUnitMetrics(text, pod_resources_->Read());
  return text.Take();
}

observe::ProbeResult PluginDaemon::CheckLive() const { return CheckLoopRuns(loop_.get()); }

observe::ProbeResult PluginDaemon::CheckReady() const {
  std::vector<std::string> waiting;
  for (const Served& served : served_) {
    if (served.endpoint == nullptr || !served.endpoint->registered()) {
      waiting.push_back(served.resource_name);
    }
  }
  if (waiting.empty()) return {true, ""};
  return {false, absl::StrCat("not registered with the kubelet: ", absl::StrJoin(waiting, ", "))};
}

}  // namespace teedp::app
