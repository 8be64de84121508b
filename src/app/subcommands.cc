#include "app/subcommands.h"

#include <algorithm>
#include <iostream>
#include <vector>

namespace teedp::app {
namespace {

constexpr Subcommand kSubcommands[] = {
    {"serve", "run the device plugin (the DaemonSet's daemon)", RunServe},
    {"detect", "print what this node has for SGX and why something is missing", RunDetect},
    {"demo", "run the whole flow on a simulated node against the built-in kubelet emulator",
     RunDemo},
    {"simulate", "write a simulated SGX host root (for --host-root) and CPUID dump", RunSimulate},
};

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const Subcommand> Subcommands() { return kSubcommands; }

const Subcommand* FindSubcommand(std::string_view name) {
  for (const Subcommand& subcommand : kSubcommands) {
    if (name == subcommand.name) return &subcommand;
  }
  return nullptr;
}

std::optional<std::string> NearestSubcommand(std::string_view name) {
  const Subcommand* best = nullptr;
  size_t best_distance = 3;  // farther than this is no useful hint
  for (const Subcommand& subcommand : kSubcommands) {
    size_t distance = EditDistance(name, subcommand.name);
    if (distance < best_distance) {
      best = &subcommand;
      best_distance = distance;
    }
  }
  if (best == nullptr) return std::nullopt;
  return std::string(best->name);
}

std::vector<std::string> ArgsForParser(int argc, const char* const* argv) {
  int options_end = argc;  // from "--" on, every argument is positional
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--") {
      options_end = i;
      break;
    }
  }
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) {
    const std::string_view arg = argv[i];
    const bool empty_assignment = i < options_end && arg.size() > 3 && arg.starts_with("--") &&
                                  arg.find('=') == arg.size() - 1;
    if (empty_assignment) {
      args.emplace_back();  // reversed: the empty value comes before its flag
      args.emplace_back(arg.substr(0, arg.size() - 1));
    } else {
      args.emplace_back(arg);
    }
  }
  return args;
}

std::optional<int> ParseFlags(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(ArgsForParser(argc, argv));
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::cerr << "tee-device-plugin " << app.get_name() << ": " << error.what() << "\n"
              << "Run 'tee-device-plugin " << app.get_name() << " --help' for the flags.\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace teedp::app
