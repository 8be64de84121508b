// tee-device-plugin: a Kubernetes device plugin for Intel SGX EPC and other TEEs.
// main only dispatches to the subcommand table (app/subcommands.h).
#include <exception>
#include <iostream>
#include <string_view>

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
