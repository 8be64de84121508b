// Provides the table of subcommands the binary dispatches to, and the exit codes they share.
// Thread safety: each Run function is called once from main.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace teedp::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Subcommand {
  const char* name;
  const char* description;
  int (*run)(int argc, char** argv);  // argv[0] is the subcommand's name
};

std::span<const Subcommand> Subcommands();
// The subcommand called `name`, or the closest name for a "did you mean" hint.
const Subcommand* FindSubcommand(std::string_view name);
std::optional<std::string> NearestSubcommand(std::string_view name);

// argv[1..] in the reversed order CLI11's parser takes, with every `--flag=` split into `--flag`
// and an empty value: CLI11 2.1 would otherwise take the next argument as the flag's value, and
// an empty value is how several flags are turned off.
std::vector<std::string> ArgsForParser(int argc, const char* const* argv);

// Parses flags; returns an exit code when the program should end now (help printed: 0, bad
// flags: 2 with the parser's message), nullopt to go on.
std::optional<int> ParseFlags(CLI::App& app, int argc, char** argv);

int RunServe(int argc, char** argv);
int RunDetect(int argc, char** argv);
int RunDemo(int argc, char** argv);
int RunSimulate(int argc, char** argv);

}  // namespace teedp::app
