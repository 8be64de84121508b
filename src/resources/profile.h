// Provides compatibility profiles: which Kubernetes resources one node's TEE hardware becomes, in
// the dialect of the plugin a cluster's pod specs were written for (Azure's, Intel's, Alibaba's),
// plus the confidential VM guest resources every profile offers.
// Thread safety: pure functions over values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "hw/guest_devices.h"
#include "hw/inventory.h"
#include "resources/epc_unit_size.h"
#include "resources/epc_units_planner.h"
#include "resources/resource_name.h"
#include "resources/shared_device.h"
#include "resources/shared_limit.h"

namespace teedp::resources {

enum class Profile : uint8_t { kAzure, kIntel, kAlibaba };

inline constexpr std::string_view kAlibabaEpcResource = "alibabacloud.com/sgx_epc_MiB";
// Intel's EPC is a node extended resource counted in bytes, not a device list.
inline constexpr std::string_view kIntelEpcResource = "sgx.intel.com/epc";

std::string_view ProfileName(Profile profile);  // "azure", "intel", "alibaba"
// InvalidArgument naming the value and the choices.
absl::StatusOr<Profile> ParseProfile(std::string_view name);

// The EPC device resource of azure and alibaba when the operator names none.
ResourceName DefaultEpcResource(Profile profile);

struct ProfileConfig {
  Profile profile = Profile::kAzure;
  // Set only when the operator named one; otherwise the profile's own EPC resource.
  std::optional<ResourceName> epc_resource;
  EpcUnitSize epc_unit;
  SharedLimit enclave_limit;    // intel: sgx.intel.com/enclave
  SharedLimit provision_limit;  // intel: sgx.intel.com/provision
  SharedLimit guest_limit;      // each confidential VM guest resource
  // Overrides of the guest resources' names (DefaultSharedResourceName otherwise).
  std::map<hw::GuestTee, ResourceName> guest_resource_names;
};

// The name of the resource a spec configures.
const ResourceName& NameOf(const ResourceSpec& spec);

// The device-plugin resources a profile serves with these guest interfaces, in a fixed order:
// EPC units (azure, alibaba), then sgx.intel.com/enclave and provision (intel), then one per
// guest interface. The intel profile ignores epc_resource and epc_unit: its EPC is the
// sgx.intel.com/epc extended resource, and refusing a configuration that names both is the
// caller's (app/ does, naming the flags). Never fails: every value in `config` is valid.
std::vector<ResourceSpec> ResourcesFor(const ProfileConfig& config,
                                       const std::vector<hw::GuestTee>& guests);

// The EPC device resource (counted in units) the profile serves: the operator's name, else the
// profile's own; nullopt for intel, whose EPC is the sgx.intel.com/epc extended resource.
std::optional<ResourceName> EpcDeviceResource(const ProfileConfig& config);

// The EPC extended resource the profile publishes in bytes (intel), or nullopt (azure, alibaba,
// whose EPC is a device list).
std::optional<std::string> EpcExtendedResource(const ProfileConfig& config);

// The plan of one resource on a host, by the planner of its kind (PlanKind).
ResourcePlan PlanResource(const hw::Inventory& inventory, const ResourceSpec& spec);

}  // namespace teedp::resources
