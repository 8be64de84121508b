#include "resources/profile.h"

#include "absl/strings/str_cat.h"

namespace teedp::resources {
namespace {

ResourceSpec SharedSpec(SharedDevice device, const ResourceName& name, SharedLimit limit) {
  return SharedDeviceConfig{device, name, limit};
}

void AddGuestResources(const ProfileConfig& config, const std::vector<hw::GuestTee>& guests,
                       std::vector<ResourceSpec>* specs) {
  for (hw::GuestTee tee : guests) {
    const SharedDevice device = SharedDeviceFor(tee);
    auto named = config.guest_resource_names.find(tee);
    const ResourceName name = named != config.guest_resource_names.end()
                                  ? named->second
                                  : ResourceName::BuiltIn(DefaultSharedResourceName(device));
    specs->push_back(SharedSpec(device, name, config.guest_limit));
  }
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
  return absl::InvalidArgumentError(absl::StrCat("unknown profile \"", std::string(name),
                                                 "\": expected azure, intel or alibaba"));
}

ResourceName DefaultEpcResource(Profile profile) {
  return ResourceName::BuiltIn(profile == Profile::kAlibaba ? kAlibabaEpcResource
                                                            : kDefaultEpcResource);
}

std::optional<ResourceName> EpcDeviceResource(const ProfileConfig& config) {
  if (config.profile == Profile::kIntel) return std::nullopt;
  return config.epc_resource.value_or(DefaultEpcResource(config.profile));
}

std::optional<std::string> EpcExtendedResource(const ProfileConfig& config) {
  if (config.profile != Profile::kIntel) return std::nullopt;
  return std::string(kIntelEpcResource);
}

std::vector<ResourceSpec> ResourcesFor(const ProfileConfig& config,
                                       const std::vector<hw::GuestTee>& guests) {
  std::vector<ResourceSpec> specs;
  if (config.profile == Profile::kIntel) {
    for (auto [device, limit] : {std::pair{SharedDevice::kSgxEnclave, config.enclave_limit},
                                 std::pair{SharedDevice::kSgxProvision, config.provision_limit}}) {
      specs.push_back(
          SharedSpec(device, ResourceName::BuiltIn(DefaultSharedResourceName(device)), limit));
    }
  } else {
    const ResourceName name = *EpcDeviceResource(config);
    specs.push_back(EpcConfig{name, config.epc_unit});
  }
  AddGuestResources(config, guests, &specs);
  return specs;
}

const ResourceName& NameOf(const ResourceSpec& spec) {
  return std::visit([](const auto& config) -> const ResourceName& { return config.resource_name; },
                    spec);
}

ResourcePlan PlanResource(const hw::Inventory& inventory, const ResourceSpec& spec) {
  return std::visit([&inventory](const auto& config) { return PlanKind(inventory, config); }, spec);
}

}  // namespace teedp::resources
