// Provides DaemonOptions, everything `serve` is configured with, and the flag wiring shared by the
// subcommands (every flag also reads an environment variable so a DaemonSet can set it).
// Thread safety: plain values; AddServeFlags binds into an options object owned by the caller.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/cpuid_source.h"
#include "resources/epc_plan.h"

namespace tee::app {

inline constexpr const char* kDefaultPluginDir = "/var/lib/kubelet/device-plugins";

struct DaemonOptions {
  std::string plugin_dir = kDefaultPluginDir;
  std::string host_root = "/";
  std::string cpuid_dump;  // empty: execute CPUID
  resources::EpcConfig epc;
  std::string log_level = "info";
  // Off when the daemon runs inside another program (demo, tests) that owns signal handling.
  bool handle_signals = true;
  std::chrono::milliseconds register_timeout{5000};
};

// --host-root and --cpuid-dump (used by serve and detect).
void AddHardwareFlags(CLI::App& app, DaemonOptions* options);
// --epc-resource and --epc-unit (used by serve and detect).
void AddResourceFlags(CLI::App& app, DaemonOptions* options);
// Every serve flag: the hardware and resource flags plus --plugin-dir and --log-level.
void AddServeFlags(CLI::App& app, DaemonOptions* options);
// Checks values the flag parser cannot: the resource name, the directories being absolute.
// InvalidArgument naming the flag and value.
absl::Status ValidateOptions(const DaemonOptions& options);

// The CPUID source the options ask for: the dump file, or the CPU itself.
absl::StatusOr<std::unique_ptr<hw::CpuidSource>> OpenCpuidSource(const DaemonOptions& options);

}  // namespace tee::app
