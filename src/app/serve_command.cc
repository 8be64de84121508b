// `serve`: the DaemonSet's daemon.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "observe/logging.h"

namespace teedp::app {

int RunServe(int argc, char** argv) {
  // Before anything starts a thread, so every thread inherits the mask and signalfd sees them.
  BlockTerminationSignals();
  DaemonOptions options;
  CLI::App app(
      "Serve SGX EPC and confidential-computing devices to the kubelet as device plugin resources",
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
  auto daemon = PluginDaemon::Create(options);
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
  if (!(*daemon)->clean_shutdown()) {
    // A gRPC shutdown is still stuck on a dead connection; destructors would wait on it.
    spdlog::default_logger()->flush();
    std::_Exit(kExitOk);
  }
  return kExitOk;
}

}  // namespace teedp::app
