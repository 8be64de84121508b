// kubelet-emulator: act as the kubelet for device plugins (`serve`), or poke one plugin socket
// directly (`list`, `allocate`). Subcommands come from one table; parsing only, the work is in
// cli_commands.h.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "absl/strings/str_split.h"
#include "cli_commands.h"

namespace {

using teedp::emulator::kExitFailure;
using teedp::emulator::kExitUsage;

struct Subcommand {
  const char* name;
  const char* description;
  std::function<std::function<int()>(CLI::App&)> define;  // adds flags, returns the runner
};

std::function<int()> DefineServe(CLI::App& app) {
  auto args = std::make_shared<teedp::emulator::ServeArgs>();
  app.add_option("--dir", args->dir, "Device-plugin directory to serve kubelet.sock in")
      ->required();
  app.add_option("--restart-every", args->restart_every_seconds,
                 "Restart the kubelet every SECONDS (wipes the directory)");
  app.add_option("--duration", args->duration_seconds, "Stop after SECONDS");
  return [args] { return teedp::emulator::RunServe(*args, std::cout, std::cerr); };
}

std::function<int()> DefineList(CLI::App& app) {
  auto args = std::make_shared<teedp::emulator::ListArgs>();
  app.add_option("--socket", args->socket, "Absolute path of the plugin's socket")->required();
  return [args] { return teedp::emulator::RunList(*args, std::cout, std::cerr); };
}

std::function<int()> DefineAllocate(CLI::App& app) {
  auto args = std::make_shared<teedp::emulator::AllocateArgs>();
  auto ids = std::make_shared<std::string>();
  app.add_option("--socket", args->socket, "Absolute path of the plugin's socket")->required();
  auto* ids_option = app.add_option("--ids", *ids, "Comma-separated device IDs");
  app.add_option("--count", args->count, "Allocate the first N healthy devices")
      ->excludes(ids_option);
  return [args, ids] {
    if (!ids->empty()) args->ids = absl::StrSplit(*ids, ',', absl::SkipEmpty());
    return teedp::emulator::RunAllocate(*args, std::cout, std::cerr);
  };
}

const Subcommand kSubcommands[] = {
    {"serve", "act as the kubelet: serve kubelet.sock and print every event", DefineServe},
    {"list", "print a plugin's options and first device list", DefineList},
    {"allocate", "run GetPreferredAllocation and Allocate on a plugin", DefineAllocate},
};

// Parses the command line and runs the chosen subcommand; exceptions go to main.
int Run(int argc, char** argv) {
  CLI::App app("Kubelet stand-in for device plugins (device plugin API v1beta1)",
               "kubelet-emulator");
  app.require_subcommand(1);
  std::function<int()> run;
  for (const Subcommand& subcommand : kSubcommands) {
    CLI::App* sub = app.add_subcommand(subcommand.name, subcommand.description);
    auto runner = subcommand.define(*sub);
    sub->callback([&run, runner] { run = runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  return run();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "kubelet-emulator: fatal: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "kubelet-emulator: fatal: an unknown exception\n";
  }
  return kExitFailure;
}
