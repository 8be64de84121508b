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
#include "kubeapi/in_cluster_config.h"
#include "resources/node_plan.h"
#include "resources/profile.h"

namespace teedp::app {

inline constexpr const char* kDefaultPluginDir = "/var/lib/kubelet/device-plugins";
inline constexpr const char* kDefaultCdiDir = "/var/run/cdi";
inline constexpr const char* kDefaultMetricsAddress = ":9464";
inline constexpr const char* kDefaultNfdFeaturesDir =
    "/etc/kubernetes/node-feature-discovery/features.d";
inline constexpr const char* kDefaultPodResourcesSocket =
    "/var/lib/kubelet/pod-resources/kubelet.sock";

inline constexpr const char* kDeviceKubeletApi = "device-plugin";
inline constexpr const char* kDraKubeletApi = "dra";

struct DaemonOptions {
  // How the kubelet is served: kDeviceKubeletApi (device plugins) or kDraKubeletApi (Dynamic
  // Resource Allocation drivers).
  std::string kubelet_api = kDeviceKubeletApi;
  std::string plugin_dir = kDefaultPluginDir;
  // DRA: where the kubelet's plugin watcher looks for registration sockets, and where each
  // driver's DRAPlugin socket and checkpoint go (<dir>/<driver>/).
  std::string dra_registry_dir = "/var/lib/kubelet/plugins_registry";
  std::string dra_plugins_dir = "/var/lib/kubelet/plugins";
  std::string host_root = "/";
  std::string cpuid_dump;  // empty: execute CPUID
  // Profile, EPC resource and unit, shared-device limits, guest resource names.
  resources::ProfileConfig resources;
  // intel: publish EPC in bytes as the extended resource sgx.intel.com/epc by patching the Node.
  bool register_epc = false;
  // --register-epc's and DRA's credentials: the pod's service-account token and the cluster CA.
  std::string service_account_dir = kubeapi::kServiceAccountDir;
  bool cdi = false;  // answer Allocate with CDI device names and write the CDI spec
  std::string cdi_dir = kDefaultCdiDir;
  std::string config;  // --config: a YAML file with more flags
  std::string log_level = "info";
  std::string log_format = "text";  // text or json
  // Each of these three is off when empty.
  std::string metrics_address = kDefaultMetricsAddress;   // /metrics, /healthz, /readyz
  std::string nfd_features_dir = kDefaultNfdFeaturesDir;  // node labels for NFD's local source
  std::string pod_resources_socket = kDefaultPodResourcesSocket;  // per-pod units in /metrics
  // Off when the daemon runs inside another program (demo, tests) that owns signal handling.
  bool handle_signals = true;
  std::chrono::milliseconds register_timeout{5000};
};

// --host-root and --cpuid-dump (used by serve and detect).
void AddHardwareFlags(CLI::App& app, DaemonOptions* options);
// --profile, --epc-resource, --epc-unit, the shared-device limits and guest resource names (used
// by serve and detect).
void AddResourceFlags(CLI::App& app, DaemonOptions* options);
// Every serve flag: the hardware and resource flags plus --kubelet-api, --dra-registry-dir,
// --dra-plugins-dir, --plugin-dir, --cdi, --cdi-dir,
// --register-epc, --service-account-dir, --config, --log-level, --log-format, --metrics-address,
// --nfd-features-dir and --pod-resources-socket.
void AddServeFlags(CLI::App& app, DaemonOptions* options);
// Call after parsing. First gives the flags that an empty value turns off (--metrics-address,
// --nfd-features-dir, --pod-resources-socket) the empty value their environment variable holds
// when set to "" (the flag parser ignores empty variables), then reads --config, when given, into
// the flags the command line and environment left unset. InvalidArgument (or NotFound) naming the
// file and key.
absl::Status ApplyConfig(CLI::App& app, const DaemonOptions& options);
// Checks what the flags cannot check one at a time (resource names, units and limits became
// validated values as they were parsed): the directories and sockets being absolute, the metrics
// address, the log format, and flags that contradict each other (EPC counted twice, a unit the
// EPC resource name does not say). InvalidArgument naming the flags and values. What depends on
// the node (two resources named alike) is refused by resources::PlanNode, for serve and detect
// alike.
absl::Status ValidateOptions(const DaemonOptions& options);

// The configuration resources::PlanNode takes, with the guest interfaces of the inventory.
resources::NodeConfig NodeConfigOf(const DaemonOptions& options);

// The CPUID source the options ask for: the dump file, or the CPU itself.
absl::StatusOr<std::unique_ptr<hw::CpuidSource>> OpenCpuidSource(const DaemonOptions& options);

}  // namespace teedp::app
