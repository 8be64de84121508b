// tee-device-plugin: a Kubernetes device plugin for Intel SGX EPC and other TEEs.
// main only dispatches to the subcommand table (app/subcommands.h).
#include <exception>
#include <iostream>
#include <string_view>

#include "absl/synchronization/mutex.h"
#include "app/subcommands.h"
#include "app/version.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "usage: tee-device-plugin <subcommand> [flags]\n\nsubcommands:\n";
  for (const teedp::app::Subcommand& subcommand : teedp::app::Subcommands()) {
    out << "  " << subcommand.name
        << std::string(10 - std::string_view(subcommand.name).size(), ' ') << subcommand.description
        << "\n";
  }
  out << "\nRun 'tee-device-plugin <subcommand> --help' for its flags, '--version' for the "
         "build.\n";
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian builds abseil without NDEBUG, so by default every absl::Mutex, gRPC's included, keeps
  // a process-wide lock-order graph under a global lock (3.4 % of the plugin's CPU samples in a
  // bench run) and aborts on a cycle. A build with NDEBUG (Release, the image's) does what
  // abseil's own release builds do; one without it (scripts/test.sh's sanitizer trees are Debug)
  // keeps the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  if (argc < 2) {
    PrintUsage(std::cerr);
    return teedp::app::kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return teedp::app::kExitOk;
  }
  if (name == "--version" || name == "version") {
    std::cout << teedp::app::VersionLine() << "\n";
    return teedp::app::kExitOk;
  }
  const teedp::app::Subcommand* subcommand = teedp::app::FindSubcommand(name);
  if (subcommand == nullptr) {
    std::cerr << "tee-device-plugin: unknown subcommand '" << name << "'";
    if (auto nearest = teedp::app::NearestSubcommand(name)) {
      std::cerr << "; did you mean '" << *nearest << "'?";
    }
    std::cerr << "\n\n";
    PrintUsage(std::cerr);
    return teedp::app::kExitUsage;
  }
  try {
    return subcommand->run(argc - 1, argv + 1);
  } catch (const std::exception& error) {
    std::cerr << "tee-device-plugin " << name << ": fatal: " << error.what() << "\n";
    return teedp::app::kExitFailure;
  }
}
