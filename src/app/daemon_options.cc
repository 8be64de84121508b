#include "app/daemon_options.h"

#include "absl/strings/str_cat.h"
#include "app/config_file.h"
#include "common/byte_size.h"
#include "common/status_macros.h"

namespace tee::app {
namespace {

void AddLimitFlag(CLI::App& app, const std::string& flag, const std::string& env, uint32_t* limit,
                  const std::string& what) {
  app.add_option_function<int64_t>(
         flag,
         [flag, limit](int64_t value) {
           absl::Status status = resources::ValidateSharedLimit(flag, value);
           if (!status.ok()) throw CLI::ValidationError(flag, std::string(status.message()));
           *limit = static_cast<uint32_t>(value);
         },
         what)
      ->envname(env)
      ->default_str(std::to_string(*limit));
}

void AddGuestNameFlags(CLI::App& app, DaemonOptions* options) {
  for (hw::GuestTee tee : hw::kGuestTees) {
    const std::string name(hw::GuestTeeName(tee));
    std::string env = "TEE_" + name + "_RESOURCE";
    for (char& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
    app.add_option_function<std::string>(
           "--" + name + "-resource",
           [options, tee](const std::string& value) {
             options->resources.guest_resource_names[tee] = value;
           },
           "Resource name for the " + name + " guest interface, when the node has it")
        ->envname(env)
        ->default_str(
            std::string(resources::DefaultSharedResourceName(resources::SharedDeviceFor(tee))));
  }
}

absl::Status Prefixed(const std::string& prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

void AddHardwareFlags(CLI::App& app, DaemonOptions* options) {
  app.add_option("--host-root", options->host_root,
                 "Prefix for every /dev, /sys and /proc read (the host's / mounted elsewhere)")
      ->envname("TEE_HOST_ROOT")
      ->capture_default_str();
  app.add_option("--cpuid-dump", options->cpuid_dump,
                 "Read CPUID from this dump (`cpuid -r` or AIDA64/InstLatx64 format) instead of "
                 "executing the instruction")
      ->envname("TEE_CPUID_DUMP");
}

void AddResourceFlags(CLI::App& app, DaemonOptions* options) {
  app.add_option_function<std::string>(
         "--profile",
         [options](const std::string& text) {
           auto profile = resources::ParseProfile(text);
           if (!profile.ok()) throw CLI::ValidationError(std::string(profile.status().message()));
           options->resources.profile = *profile;
         },
         "Pod-spec dialect: azure (EPC in MiB devices), alibaba (alibabacloud.com/sgx_epc_MiB) "
         "or intel (sgx.intel.com/enclave, provision; EPC in bytes)")
      ->envname("TEE_PROFILE")
      ->default_str("azure");
  app.add_option_function<std::string>(
         "--epc-resource",
         [options](const std::string& name) { options->resources.epc_resource = name; },
         "Extended resource name for EPC units (azure and alibaba profiles)")
      ->envname("TEE_EPC_RESOURCE")
      ->default_str("the profile's");
  app.add_option_function<std::string>(
         "--epc-unit",
         [options](const std::string& text) {
           auto bytes = ParseByteSize(text);
           if (!bytes.ok()) throw CLI::ValidationError("--epc-unit", bytes.status().ToString());
           options->resources.epc_unit_bytes = *bytes;
         },
         "EPC per device: a power of two from 1MiB to 1GiB; name the resource to match")
      ->envname("TEE_EPC_UNIT")
      ->default_str("1MiB");
  AddLimitFlag(app, "--enclave-limit", "TEE_ENCLAVE_LIMIT", &options->resources.enclave_limit,
               "intel: containers per node that may hold sgx.intel.com/enclave");
  AddLimitFlag(app, "--provision-limit", "TEE_PROVISION_LIMIT", &options->resources.provision_limit,
               "intel: containers per node that may hold sgx.intel.com/provision");
  AddLimitFlag(app, "--guest-limit", "TEE_GUEST_LIMIT", &options->resources.guest_limit,
               "Containers per node that may hold each confidential VM guest resource");
  AddGuestNameFlags(app, options);
}

void AddServeFlags(CLI::App& app, DaemonOptions* options) {
  app.add_option("--plugin-dir", options->plugin_dir,
                 "The kubelet's device plugin directory (holds kubelet.sock)")
      ->envname("TEE_PLUGIN_DIR")
      ->capture_default_str();
  AddHardwareFlags(app, options);
  AddResourceFlags(app, options);
  app.add_flag("--register-epc", options->resources.register_epc,
               "intel: publish EPC bytes as sgx.intel.com/epc in this Node's capacity through "
               "the Kubernetes API")
      ->envname("TEE_REGISTER_EPC");
  app.add_flag("--cdi", options->cdi,
               "Answer Allocate with CDI device names and write the CDI spec to --cdi-dir")
      ->envname("TEE_CDI");
  app.add_option("--cdi-dir", options->cdi_dir, "Where container runtimes read CDI specs")
      ->envname("TEE_CDI_DIR")
      ->capture_default_str();
  app.add_option("--config", options->config,
                 "YAML file of further flags (keys are flag names without dashes); flags and "
                 "environment variables win over it")
      ->envname("TEE_CONFIG");
  app.add_option("--log-level", options->log_level,
                 "trace, debug, info, warn, error, critical or off")
      ->envname("TEE_LOG_LEVEL")
      ->capture_default_str();
}

absl::Status ApplyConfig(CLI::App& app, const DaemonOptions& options) {
  if (options.config.empty()) return absl::OkStatus();
  return ApplyConfigFile(app, options.config, {"config"});
}

absl::Status ValidateOptions(const DaemonOptions& options) {
  for (const auto& [flag, value] :
       {std::pair{"--plugin-dir", &options.plugin_dir},
        std::pair{"--host-root", &options.host_root}, std::pair{"--cdi-dir", &options.cdi_dir}}) {
    if (value->empty() || value->front() != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " must be an absolute path, got \"", *value, "\""));
    }
  }
  const resources::ProfileConfig& config = options.resources;
  if (config.epc_resource) {
    TEE_RETURN_IF_ERROR(
        Prefixed("--epc-resource: ", resources::ValidateResourceName(*config.epc_resource)));
  }
  if (config.profile != resources::Profile::kIntel) {
    TEE_RETURN_IF_ERROR(
        Prefixed("--epc-unit: ", resources::ValidateUnitBytes(config.epc_unit_bytes)));
  }
  for (const auto& [tee, name] : config.guest_resource_names) {
    TEE_RETURN_IF_ERROR(
        Prefixed(absl::StrCat("--", std::string(hw::GuestTeeName(tee)), "-resource: "),
                 resources::ValidateResourceName(name)));
  }
  // With no guest interfaces: the profile's own resources, EPC counted once, names and units.
  absl::StatusOr<std::vector<resources::ResourceSpec>> specs =
      resources::ResourcesFor(config, hw::Inventory{});
  return specs.status();
}

absl::StatusOr<std::unique_ptr<hw::CpuidSource>> OpenCpuidSource(const DaemonOptions& options) {
  if (options.cpuid_dump.empty()) return std::make_unique<hw::NativeCpuidSource>();
  auto source = hw::LoadCpuidDump(options.cpuid_dump);
  if (!source.ok()) {
    return absl::Status(source.status().code(),
                        absl::StrCat("--cpuid-dump: ", source.status().message()));
  }
  return std::move(source).value();
}

}  // namespace tee::app
