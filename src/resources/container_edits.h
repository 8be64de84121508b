// Provides ContainerEdits, what a container that holds a resource gets (device nodes, mounts,
// environment, or CDI device names), and the SGX edits this host needs.
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hw/inventory.h"

namespace teedp::resources {

struct DeviceSpec {
  std::string container_path;
  std::string host_path;  // always the path on the host, never prefixed with the host root
  std::string permissions;
  friend bool operator==(const DeviceSpec&, const DeviceSpec&) = default;
};

struct Mount {
  std::string container_path;
  std::string host_path;
  bool read_only = false;
  friend bool operator==(const Mount&, const Mount&) = default;
};

// What a container that holds any units of a resource gets, independent of which units.
struct ContainerEdits {
  std::vector<DeviceSpec> devices;
  std::vector<Mount> mounts;
  std::vector<std::pair<std::string, std::string>> envs;  // sorted by name
  // Fully qualified CDI device names: the runtime applies their edits from the CDI spec file, so
  // the fields above stay empty.
  std::vector<std::string> cdi_devices;
  friend bool operator==(const ContainerEdits&, const ContainerEdits&) = default;
};

// The device nodes, aliases, mounts and environment a container needs for SGX on this host.
// Every node in inventory.device_nodes except /dev/sgx_vepc (for KVM guests, not containers),
// "rw"; a node that is a udev symlink gets its resolved target as host_path. When the in-kernel
// /dev/sgx_enclave (/dev/sgx_provision) exists and nothing is at /dev/sgx/enclave
// (/dev/sgx/provision) yet, that DCAP path is added backed by the in-kernel node, for software
// built against Intel's DCAP driver. Container paths are unique, devices sorted by container
// path; host_path is always a host path. With /var/run/aesmd: that directory mounted read-write
// and SGX_AESM_ADDR=1. Never fails.
ContainerEdits PlanContainerEdits(const hw::Inventory& inventory);

// Adds the aesmd socket directory mount and SGX_AESM_ADDR=1 when the host has /var/run/aesmd, so
// out-of-process quoting works in the container.
void AddAttestationEdits(const hw::Inventory& inventory, ContainerEdits* edits);

// The host path a runtime should create the SGX device node `path` from: the resolved target when
// `path` is a udev symlink in inventory.device_aliases, else `path` itself. Never prefixed with
// the host root.
std::string HostPathOf(const hw::Inventory& inventory, std::string_view path);

}  // namespace teedp::resources
