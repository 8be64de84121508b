// Provides compatibility profiles: which Kubernetes resources one node's TEE hardware becomes, in
// the dialect of the plugin a cluster's pod specs were written for (Azure's, Intel's, Alibaba's),
// plus the confidential VM guest resources every profile offers. Refuses configurations that
// would count the same EPC twice.
// Thread safety: pure functions over values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hw/guest_devices.h"
#include "hw/inventory.h"
#include "resources/epc_plan.h"
#include "resources/shared_device.h"

namespace teedp::resources {

enum class Profile : uint8_t { kAzure, kIntel, kAlibaba };

inline constexpr std::string_view kAlibabaEpcResource = "alibabacloud.com/sgx_epc_MiB";
// Intel's EPC is a node extended resource counted in bytes, not a device list.
inline constexpr std::string_view kIntelEpcResource = "sgx.intel.com/epc";

std::string_view ProfileName(Profile profile);  // "azure", "intel", "alibaba"
// InvalidArgument naming the value and the choices.
absl::StatusOr<Profile> ParseProfile(std::string_view name);

struct ProfileConfig {
  Profile profile = Profile::kAzure;
  // Set only when the operator named one; otherwise the profile's own EPC resource.
  std::optional<std::string> epc_resource;
  uint64_t epc_unit_bytes = kMiB;
  uint32_t enclave_limit = kDefaultSharedLimit;    // intel: sgx.intel.com/enclave
  uint32_t provision_limit = kDefaultSharedLimit;  // intel: sgx.intel.com/provision
  uint32_t guest_limit = kDefaultSharedLimit;      // each confidential VM guest resource
  // Overrides of the guest resources' names (DefaultSharedResourceName otherwise).
  std::map<hw::GuestTee, std::string> guest_resource_names;
  // Publish EPC in bytes as the extended resource sgx.intel.com/epc by patching the Node.
  bool register_epc = false;
};

// One device-plugin resource to serve: EPC units, or a shared device.
struct ResourceSpec {
  std::string resource_name;
  std::optional<EpcConfig> epc;              // set for the EPC unit resource
  std::optional<SharedDeviceConfig> shared;  // set for a shared device
};

// The device-plugin resources a profile serves on a host with `inventory`, in a fixed order:
// EPC units (azure, alibaba), then sgx.intel.com/enclave and provision (intel), then one per
// confidential VM guest interface the host has. InvalidArgument, naming the settings, for a
// configuration that would count EPC twice (an EPC device resource together with the
// sgx.intel.com/epc extended resource), for a bad resource name or limit, or for two resources
// with the same name.
absl::StatusOr<std::vector<ResourceSpec>> ResourcesFor(const ProfileConfig& config,
                                                       const hw::Inventory& inventory);

// The EPC device resource (counted in units) the profile serves: the operator's name, else the
// profile's own; nullopt for intel, whose EPC is the sgx.intel.com/epc extended resource.
std::optional<std::string> EpcDeviceResource(const ProfileConfig& config);

// The EPC extended resource the profile publishes in bytes (intel), or nullopt (azure, alibaba,
// whose EPC is a device list).
std::optional<std::string> EpcExtendedResource(const ProfileConfig& config);

// The plan of one resource on a host.
absl::StatusOr<EpcPlan> PlanResource(const hw::Inventory& inventory, const ResourceSpec& spec);

}  // namespace teedp::resources
