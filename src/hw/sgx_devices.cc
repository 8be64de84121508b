// SGX device nodes and driver flavour.
#include "hw/sgx_devices.h"

#include <algorithm>
#include <filesystem>
#include <optional>

namespace teedp::hw {
namespace {

// The host path a symlink points at, resolved relative to the link's directory.
std::optional<std::string> AliasTarget(const HostRoot& root, std::string_view host_path) {
  std::optional<std::string> target = root.ReadLink(host_path);
  if (!target) return std::nullopt;
  if (target->empty() || target->front() != '/') {
    const std::filesystem::path dir = std::filesystem::path(host_path).parent_path();
    return (dir / *target).lexically_normal().string();
  }
  return std::filesystem::path(*target).lexically_normal().string();
}

bool Listed(const SgxDevices& devices, std::string_view path) {
  return std::find(devices.nodes.begin(), devices.nodes.end(), path) != devices.nodes.end();
}

bool IsAlias(const SgxDevices& devices, std::string_view path) {
  return std::any_of(devices.aliases.begin(), devices.aliases.end(),
                     [&](const auto& alias) { return alias.first == path; });
}

SgxDriver DriverOf(const SgxDevices& devices) {
  // A flat /dev/sgx_enclave that only points at a real DCAP node is DCAP's.
  if (Listed(devices, "/dev/sgx_enclave") && !IsAlias(devices, "/dev/sgx_enclave")) {
    return SgxDriver::kInKernel;
  }
  if (Listed(devices, "/dev/sgx/enclave") && !IsAlias(devices, "/dev/sgx/enclave")) {
    return SgxDriver::kDcap;
  }
  if (Listed(devices, "/dev/sgx_enclave")) return SgxDriver::kInKernel;
  if (Listed(devices, "/dev/sgx")) return SgxDriver::kDcap;
  if (Listed(devices, "/dev/isgx")) return SgxDriver::kLegacy;
  return SgxDriver::kNone;
}

}  // namespace

SgxDevices ProbeSgxDevices(const HostRoot& root) {
  SgxDevices devices;
  for (std::string_view path : kSgxDevicePaths) {
    if (!root.Exists(path)) continue;
    // On DCAP >= 1.32 and with udev aliases /dev/sgx is a directory, not a device.
    if (path == "/dev/sgx" && root.IsDirectory(path)) continue;
    devices.nodes.emplace_back(path);
    if (std::optional<std::string> target = AliasTarget(root, path)) {
      devices.aliases.emplace_back(std::string(path), *target);
    }
  }
  devices.driver = DriverOf(devices);
  return devices;
}

}  // namespace teedp::hw
