#include "resources/profile.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "resources/unit_name.h"

namespace teedp::resources {
namespace {

absl::Status CheckEpcCountedOnce(const ProfileConfig& config) {
  const bool extended = config.profile == Profile::kIntel;
  if (extended && config.epc_resource) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--epc-resource ", *config.epc_resource, " with --profile intel would count EPC twice: ",
        "the intel profile publishes it as the extended resource ", std::string(kIntelEpcResource),
        " (bytes); drop --epc-resource, or use --profile azure or alibaba"));
  }
  if (!extended && config.register_epc) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--register-epc with --profile ", std::string(ProfileName(config.profile)),
        " would count EPC twice: that profile already lists it as the device resource ",
        *EpcDeviceResource(config), "; --register-epc belongs with --profile intel"));
  }
  return absl::OkStatus();
}

ResourceSpec SharedSpec(SharedDevice device, std::string name, uint32_t limit) {
  ResourceSpec spec;
  spec.resource_name = name;
  spec.shared = SharedDeviceConfig{device, std::move(name), limit};
  return spec;
}

void AddGuestResources(const ProfileConfig& config, const hw::Inventory& inventory,
                       std::vector<ResourceSpec>* specs) {
  for (const hw::GuestDevice& found : inventory.guest_devices) {
    const SharedDevice device = SharedDeviceFor(found.tee);
    auto named = config.guest_resource_names.find(found.tee);
    std::string name = named != config.guest_resource_names.end()
                           ? named->second
                           : std::string(DefaultSharedResourceName(device));
    specs->push_back(SharedSpec(device, std::move(name), config.guest_limit));
  }
}

absl::Status CheckSpecs(const std::vector<ResourceSpec>& specs) {
  std::set<std::string> names;
  for (const ResourceSpec& spec : specs) {
    TEE_RETURN_IF_ERROR(ValidateResourceName(spec.resource_name));
    if (spec.shared) {
      TEE_RETURN_IF_ERROR(
          ValidateSharedLimit(absl::StrCat(spec.resource_name, " limit"), spec.shared->limit));
    }
    if (!names.insert(spec.resource_name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two resources are named ", spec.resource_name, "; give each its own name"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kAzure:
      return "azure";
    case Profile::kIntel:
      return "intel";
    case Profile::kAlibaba:
      return "alibaba";
  }
  return "unknown";
}

absl::StatusOr<Profile> ParseProfile(std::string_view name) {
  for (Profile profile : {Profile::kAzure, Profile::kIntel, Profile::kAlibaba}) {
    if (ProfileName(profile) == name) return profile;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--profile ", std::string(name), ": expected azure, intel or alibaba"));
}

std::optional<std::string> EpcDeviceResource(const ProfileConfig& config) {
  if (config.profile == Profile::kIntel) return std::nullopt;
  return config.epc_resource.value_or(config.profile == Profile::kAlibaba
                                          ? std::string(kAlibabaEpcResource)
                                          : std::string(kDefaultEpcResource));
}

std::optional<std::string> EpcExtendedResource(const ProfileConfig& config) {
  if (config.profile != Profile::kIntel) return std::nullopt;
  return std::string(kIntelEpcResource);
}

absl::StatusOr<std::vector<ResourceSpec>> ResourcesFor(const ProfileConfig& config,
                                                       const hw::Inventory& inventory) {
  TEE_RETURN_IF_ERROR(CheckEpcCountedOnce(config));
  std::vector<ResourceSpec> specs;
  if (config.profile == Profile::kIntel) {
    specs.push_back(SharedSpec(SharedDevice::kSgxEnclave,
                               std::string(DefaultSharedResourceName(SharedDevice::kSgxEnclave)),
                               config.enclave_limit));
    specs.push_back(SharedSpec(SharedDevice::kSgxProvision,
                               std::string(DefaultSharedResourceName(SharedDevice::kSgxProvision)),
                               config.provision_limit));
  } else {
    ResourceSpec epc;
    epc.resource_name = *EpcDeviceResource(config);
    if (absl::Status unit = ValidateUnitBytes(config.epc_unit_bytes); !unit.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--epc-unit: ", unit.message()));
    }
    if (absl::Status match = CheckUnitMatchesName(epc.resource_name, config.epc_unit_bytes);
        !match.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--epc-resource and --epc-unit disagree: ", match.message()));
    }
    epc.epc = EpcConfig{epc.resource_name, config.epc_unit_bytes};
    specs.push_back(std::move(epc));
  }
  AddGuestResources(config, inventory, &specs);
  TEE_RETURN_IF_ERROR(CheckSpecs(specs));
  return specs;
}

absl::StatusOr<EpcPlan> PlanResource(const hw::Inventory& inventory, const ResourceSpec& spec) {
  if (spec.epc) return PlanEpcDevices(inventory, *spec.epc);
  if (spec.shared) return PlanSharedDevice(inventory, *spec.shared);
  return absl::InternalError(absl::StrCat("resource ", spec.resource_name, " has no kind"));
}

}  // namespace teedp::resources
