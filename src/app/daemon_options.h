// Provides DaemonOptions, everything `serve` is configured with, and the flag wiring shared by the
// subcommands (every flag also reads an environment variable so a DaemonSet can set it, and `serve`
// reads the rest from --config).
// Thread safety: plain values; Add*Flags bind into an options object owned by the caller.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/cpuid_source.h"
#include "resources/profile.h"

namespace tee::app {

inline constexpr const char* kDefaultPluginDir = "/var/lib/kubelet/device-plugins";
inline constexpr const char* kDefaultCdiDir = "/var/run/cdi";

struct DaemonOptions {
  std::string plugin_dir = kDefaultPluginDir;
  std::string host_root = "/";
  std::string cpuid_dump;  // empty: execute CPUID
  // Profile, EPC resource and unit, shared-device limits, guest resource names, --register-epc.
  resources::ProfileConfig resources;
  bool cdi = false;  // answer Allocate with CDI device names and write the CDI spec
  std::string cdi_dir = kDefaultCdiDir;
  std::string config;  // --config: a YAML file with more flags
  std::string log_level = "info";
  // Off when the daemon runs inside another program (demo, tests) that owns signal handling.
  bool handle_signals = true;
  std::chrono::milliseconds register_timeout{5000};
};

// --host-root and --cpuid-dump (used by serve and detect).
void AddHardwareFlags(CLI::App& app, DaemonOptions* options);
// --profile, --epc-resource, --epc-unit, the shared-device limits and guest resource names (used
// by serve and detect).
void AddResourceFlags(CLI::App& app, DaemonOptions* options);
// Every serve flag: the hardware and resource flags plus --plugin-dir, --cdi, --cdi-dir,
// --register-epc, --config and --log-level.
void AddServeFlags(CLI::App& app, DaemonOptions* options);
// Reads --config, when given, into the flags the command line and environment left unset. Call
// after parsing. InvalidArgument (or NotFound) naming the file and key.
absl::Status ApplyConfig(CLI::App& app, const DaemonOptions& options);
// Checks values the flag parser cannot: resource names, units and limits, the directories being
// absolute, EPC counted once. InvalidArgument naming the flag and value.
absl::Status ValidateOptions(const DaemonOptions& options);

// The CPUID source the options ask for: the dump file, or the CPU itself.
absl::StatusOr<std::unique_ptr<hw::CpuidSource>> OpenCpuidSource(const DaemonOptions& options);

}  // namespace tee::app
