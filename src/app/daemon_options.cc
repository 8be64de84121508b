#include "app/daemon_options.h"

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"
#include "common/status_macros.h"
#include "resources/unit_name.h"

namespace tee::app {

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
  app.add_option("--epc-resource", options->epc.resource_name,
                 "Extended resource name for EPC, one device per MiB")
      ->envname("TEE_EPC_RESOURCE")
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--epc-unit",
         [options](const std::string& text) {
           auto bytes = ParseByteSize(text);
           if (!bytes.ok()) throw CLI::ValidationError("--epc-unit", bytes.status().ToString());
           options->epc.unit_bytes = *bytes;
         },
         "EPC per device: a power of two from 1MiB to 1GiB; name the resource to match")
      ->envname("TEE_EPC_UNIT")
      ->default_str("1MiB");
}

void AddServeFlags(CLI::App& app, DaemonOptions* options) {
  app.add_option("--plugin-dir", options->plugin_dir,
                 "The kubelet's device plugin directory (holds kubelet.sock)")
      ->envname("TEE_PLUGIN_DIR")
      ->capture_default_str();
  AddHardwareFlags(app, options);
  AddResourceFlags(app, options);
  app.add_option("--log-level", options->log_level,
                 "trace, debug, info, warn, error, critical or off")
      ->envname("TEE_LOG_LEVEL")
      ->capture_default_str();
}

absl::Status ValidateOptions(const DaemonOptions& options) {
  for (const auto& [flag, value] : {std::pair{"--plugin-dir", &options.plugin_dir},
                                    std::pair{"--host-root", &options.host_root}}) {
    if (value->empty() || value->front() != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " must be an absolute path, got \"", *value, "\""));
    }
  }
  absl::Status name = resources::ValidateResourceName(options.epc.resource_name);
  if (!name.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--epc-resource: ", name.message()));
  }
  absl::Status unit = resources::ValidateUnitBytes(options.epc.unit_bytes);
  if (!unit.ok()) return absl::InvalidArgumentError(absl::StrCat("--epc-unit: ", unit.message()));
  absl::Status match =
      resources::CheckUnitMatchesName(options.epc.resource_name, options.epc.unit_bytes);
  if (!match.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--epc-resource and --epc-unit disagree: ", match.message()));
  }
  return absl::OkStatus();
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
