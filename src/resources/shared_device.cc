#include "resources/shared_device.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "resources/container_edits.h"

namespace teedp::resources {
namespace {

std::optional<hw::GuestTee> GuestTeeOf(SharedDevice device) {
  switch (device) {
    case SharedDevice::kTdx:
      return hw::GuestTee::kTdx;
    case SharedDevice::kSevSnp:
      return hw::GuestTee::kSevSnp;
    case SharedDevice::kTpm:
      return hw::GuestTee::kTpm;
    case SharedDevice::kTsmReport:
      return hw::GuestTee::kTsmReport;
    case SharedDevice::kSgxEnclave:
    case SharedDevice::kSgxProvision:
      break;
  }
  return std::nullopt;
}

std::optional<std::string> ProvisionPath(const hw::Inventory& inventory) {
  for (std::string_view path : {"/dev/sgx_provision", "/dev/sgx/provision", "/dev/sgx_prv"}) {
    if (inventory.HasDeviceNode(path)) return std::string(path);
  }
  return std::nullopt;
}

bool IsSgx(SharedDevice device) {
  return device == SharedDevice::kSgxEnclave || device == SharedDevice::kSgxProvision;
}

// Empty when healthy.
std::string HealthReason(const hw::Inventory& inventory, SharedDevice device) {
  if (IsSgx(device) && !inventory.SgxUsable()) return inventory.problems.front();
  if (SharedDevicePath(inventory, device)) return "";
  if (device == SharedDevice::kSgxProvision) {
    return "no SGX provisioning node: none of /dev/sgx_provision, /dev/sgx/provision, "
           "/dev/sgx_prv exists";
  }
  std::string looked_for;
  for (std::string_view path : hw::GuestTeePaths(*GuestTeeOf(device))) {
    absl::StrAppend(&looked_for, looked_for.empty() ? "" : " or ", std::string(path));
  }
  return absl::StrCat("no ", std::string(SharedDeviceName(device)), " interface: ", looked_for,
                      " is missing");
}

ContainerEdits EditsFor(const hw::Inventory& inventory, SharedDevice device,
                        const std::string& path) {
  ContainerEdits edits;
  if (device == SharedDevice::kTsmReport) {
    // Reports are made by mkdir in this configfs directory, so it must be writable.
    edits.mounts.push_back({path, path, false});
    return edits;
  }
  const std::string host_path = IsSgx(device) ? HostPathOf(inventory, path) : path;
  edits.devices.push_back({path, host_path, "rw"});
  if (device == SharedDevice::kSgxEnclave) AddAttestationEdits(inventory, &edits);
  return edits;
}

}  // namespace

std::string_view SharedDeviceName(SharedDevice device) {
  switch (device) {
    case SharedDevice::kSgxEnclave:
      return "sgx-enclave";
    case SharedDevice::kSgxProvision:
      return "sgx-provision";
    case SharedDevice::kTdx:
      return "tdx";
    case SharedDevice::kSevSnp:
      return "sev-snp";
    case SharedDevice::kTpm:
      return "tpm";
    case SharedDevice::kTsmReport:
      return "tsm-report";
  }
  return "unknown";
}

std::string_view DefaultSharedResourceName(SharedDevice device) {
  switch (device) {
    case SharedDevice::kSgxEnclave:
      return "sgx.intel.com/enclave";
    case SharedDevice::kSgxProvision:
      return "sgx.intel.com/provision";
    case SharedDevice::kTdx:
      return "intel.com/tdx";
    case SharedDevice::kSevSnp:
      return "amd.com/sev-snp";
    case SharedDevice::kTpm:
      return "tee.dev/tpm";
    case SharedDevice::kTsmReport:
      return "tee.dev/tsm-report";
  }
  return "";
}

SharedDevice SharedDeviceFor(hw::GuestTee tee) {
  switch (tee) {
    case hw::GuestTee::kTdx:
      return SharedDevice::kTdx;
    case hw::GuestTee::kSevSnp:
      return SharedDevice::kSevSnp;
    case hw::GuestTee::kTpm:
      return SharedDevice::kTpm;
    case hw::GuestTee::kTsmReport:
      return SharedDevice::kTsmReport;
  }
  return SharedDevice::kTpm;
}

std::optional<std::string> SharedDevicePath(const hw::Inventory& inventory, SharedDevice device) {
  if (device == SharedDevice::kSgxEnclave) {
    std::string node = inventory.EnclaveNode();
    return node.empty() ? std::nullopt : std::optional<std::string>(node);
  }
  if (device == SharedDevice::kSgxProvision) return ProvisionPath(inventory);
  const hw::GuestTee tee = *GuestTeeOf(device);
  for (const hw::GuestDevice& found : inventory.guest_devices) {
    if (found.tee == tee) return found.path;
  }
  return std::nullopt;
}

ResourcePlan PlanKind(const hw::Inventory& inventory, const SharedDeviceConfig& config) {
  const uint32_t slots = config.limit.containers();
  ResourcePlan plan;
  plan.resource_name = config.resource_name.str();
  plan.unit_count = slots;
  plan.units_on_node = slots;
  plan.blocks = {{-1, 0, slots}};
  plan.health_reason = HealthReason(inventory, config.device);
  plan.healthy = plan.health_reason.empty();
  if (std::optional<std::string> path = SharedDevicePath(inventory, config.device)) {
    plan.container_edits = EditsFor(inventory, config.device, *path);
  }
  const ContainerEdits& edits = plan.container_edits;
  plan.kind = SharedSlots{.host_path = !edits.devices.empty()  ? edits.devices.front().host_path
                                       : !edits.mounts.empty() ? edits.mounts.front().host_path
                                                               : ""};
  return plan;
}

}  // namespace teedp::resources
