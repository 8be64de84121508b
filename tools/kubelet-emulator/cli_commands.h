// Provides the kubelet-emulator CLI's subcommands as plain functions over parsed arguments, so
// main.cc only parses flags: `serve` (act as the kubelet), `list` and `allocate` (poke a plugin
// socket directly). They print to the given streams and return the process exit code.
// Thread safety: each call is independent; RunServe blocks SIGINT/SIGTERM in the calling thread
// and must run before other threads exist (they inherit the mask).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace teedp::emulator {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a gRPC or I/O error
inline constexpr int kExitUsage = 2;

struct ServeArgs {
  std::string dir;
  double restart_every_seconds = 0;  // 0: never
  double duration_seconds = 0;       // 0: until SIGINT/SIGTERM
};

struct ListArgs {
  std::string socket;
};

struct AllocateArgs {
  std::string socket;
  std::vector<std::string> ids;  // exactly one of ids and count
  int64_t count = 0;
};

int RunServe(const ServeArgs& args, std::ostream& out, std::ostream& err);
int RunList(const ListArgs& args, std::ostream& out, std::ostream& err);
int RunAllocate(const AllocateArgs& args, std::ostream& out, std::ostream& err);

}  // namespace teedp::emulator
