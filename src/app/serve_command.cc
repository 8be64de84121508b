// `serve`: the DaemonSet's daemon.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "app/daemon_loop.h"
#include "app/dra_daemon.h"
#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "observe/logging.h"

namespace teedp::app {

namespace {

// Creates and runs the daemon of the chosen kubelet API; the exit code.
template <typename Daemon>
int ServeWith(DaemonOptions options) {
  auto daemon = Daemon::Create(std::move(options));
  if (!daemon.ok()) {
    std::cerr << "serve: " << daemon.status().message() << "\n";
    // Everything Create checks comes from flags or the files and addresses they name: a usage
    // error.
    return daemon.status().code() == absl::StatusCode::kInternal ? kExitFailure : kExitUsage;
  }
  if (absl::Status status = (*daemon)->Run(); !status.ok()) {
    spdlog::critical("cannot serve: {}", status.ToString());
    return kExitFailure;
  }
  if constexpr (requires { (*daemon)->clean_shutdown(); }) {
    if (!(*daemon)->clean_shutdown()) {
      // A gRPC shutdown is still stuck on a dead connection; destructors would wait on it.
      spdlog::default_logger()->flush();
      std::_Exit(kExitOk);
    }
  }
  return kExitOk;
}

}  // namespace

int RunServe(int argc, char** argv) {
  // Before anything starts a thread, so every thread inherits the mask and signalfd sees them.
  BlockTerminationSignals();
  DaemonOptions options;
  CLI::App app(
      "Serve SGX EPC and confidential-computing devices to the kubelet as device plugin resources "
      "or DRA drivers",
      "serve");
  AddServeFlags(app, &options);
  if (auto exit_code = ParseFlags(app, argc, argv)) return *exit_code;
  if (absl::Status status = ApplyConfig(app, options); !status.ok()) {
    std::cerr << "serve: --config: " << status.message() << "\n";
    return kExitUsage;
  }
  if (absl::Status status = observe::SetUpLogging(options.log_level, options.log_format);
      !status.ok()) {
    std::cerr << "serve: " << status.message() << "\n";
    return kExitUsage;
  }
  if (options.kubelet_api == kDraKubeletApi) return ServeWith<DraDaemon>(std::move(options));
  return ServeWith<PluginDaemon>(std::move(options));
}

}  // namespace teedp::app
