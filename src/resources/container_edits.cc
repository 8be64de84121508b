#include "resources/container_edits.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace teedp::resources {
namespace {

constexpr std::string_view kVepcNode = "/dev/sgx_vepc";
constexpr std::string_view kEnclaveNode = "/dev/sgx_enclave";
constexpr std::string_view kProvisionNode = "/dev/sgx_provision";
constexpr std::string_view kDcapEnclavePath = "/dev/sgx/enclave";
constexpr std::string_view kDcapProvisionPath = "/dev/sgx/provision";
constexpr std::string_view kAesmdDir = "/var/run/aesmd";
constexpr std::string_view kPermissions = "rw";

// `target` of the symlink at `link` as an absolute path without "." or ".." components: udev may
// write relative targets ("../sgx_enclave"), and the runtime needs a plain host path.
std::string ResolveLinkTarget(std::string_view link, std::string_view target) {
  std::string joined;
  if (target.empty() || target.front() != '/') {
    joined = std::string(link.substr(0, link.rfind('/') + 1));
  }
  joined.append(target);
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string resolved;
  for (std::string_view part : parts) resolved.append("/").append(part);
  return resolved.empty() ? "/" : resolved;
}

bool HasContainerPath(const std::vector<DeviceSpec>& devices, std::string_view path) {
  return std::any_of(devices.begin(), devices.end(),
                     [path](const DeviceSpec& spec) { return spec.container_path == path; });
}

void AddDevice(std::string_view container_path, std::string host_path,
               std::vector<DeviceSpec>* devices) {
  if (HasContainerPath(*devices, container_path)) return;
  devices->push_back(
      {std::string(container_path), std::move(host_path), std::string(kPermissions)});
}

}  // namespace

std::string HostPathOf(const hw::Inventory& inventory, std::string_view path) {
  for (const auto& [link, target] : inventory.device_aliases) {
    if (link == path) return ResolveLinkTarget(link, target);
  }
  return std::string(path);
}

void AddAttestationEdits(const hw::Inventory& inventory, ContainerEdits* edits) {
  if (!inventory.aesmd_socket_dir) return;
  // Out-of-process attestation talks to the host's AESM through its socket directory.
  edits->mounts.push_back({std::string(kAesmdDir), std::string(kAesmdDir), false});
  edits->envs.emplace_back("SGX_AESM_ADDR", "1");
}

ContainerEdits PlanContainerEdits(const hw::Inventory& inventory) {
  ContainerEdits edits;
  for (const std::string& path : inventory.device_nodes) {
    // The vEPC node lets a KVM host hand EPC to guests; containers never need it.
    if (path == kVepcNode) continue;
    AddDevice(path, HostPathOf(inventory, path), &edits.devices);
  }
  // SDKs and runtimes built for Intel's DCAP driver open /dev/sgx/{enclave,provision}; give them
  // those paths backed by the in-kernel nodes when the host has no such path of its own.
  if (inventory.HasDeviceNode(kEnclaveNode)) {
    AddDevice(kDcapEnclavePath, HostPathOf(inventory, kEnclaveNode), &edits.devices);
  }
  if (inventory.HasDeviceNode(kProvisionNode)) {
    AddDevice(kDcapProvisionPath, HostPathOf(inventory, kProvisionNode), &edits.devices);
  }
  // Sorted so equal inventories give byte-equal edits whatever order the probe listed nodes in.
  std::sort(
      edits.devices.begin(), edits.devices.end(),
      [](const DeviceSpec& a, const DeviceSpec& b) { return a.container_path < b.container_path; });
  AddAttestationEdits(inventory, &edits);
  return edits;
}

}  // namespace teedp::resources
