// Provides ProbeSgxDevices: which SGX device nodes exist under a HostRoot, which of them are
// udev aliases, and which driver flavour that means.
// Thread safety: reads the file system only; safe to call from any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hw/host_root.h"
#include "hw/inventory.h"

namespace teedp::hw {

// The order of Inventory::device_nodes. The last two are Intel's DCAP driver 1.22 and older,
// whose enclave node is the character device /dev/sgx itself (on newer DCAP /dev/sgx is a
// directory, and then it is not listed).
inline constexpr std::array<std::string_view, 8> kSgxDevicePaths = {
    "/dev/sgx_enclave",   "/dev/sgx_provision", "/dev/sgx_vepc", "/dev/sgx/enclave",
    "/dev/sgx/provision", "/dev/isgx",          "/dev/sgx",      "/dev/sgx_prv"};

// The enclave nodes the driver check looks for, for messages.
inline constexpr char kEnclaveNodesLookedFor[] =
    "/dev/sgx_enclave, /dev/sgx/enclave, /dev/isgx, /dev/sgx";

struct SgxDevices {
  std::vector<std::string> nodes;  // existing paths, in kSgxDevicePaths order
  std::vector<std::pair<std::string, std::string>> aliases;  // symlink -> resolved host path
  SgxDriver driver = SgxDriver::kNone;
};

// Device nodes may be any file type (tests and simulated hosts use plain files). The driver is
// in-kernel when /dev/sgx_enclave exists; else DCAP when /dev/sgx/enclave exists and is not an
// alias, or when /dev/sgx is a non-directory (DCAP 1.22); else legacy when /dev/isgx exists;
// else none. A symlink whose target is missing does not count as existing.
SgxDevices ProbeSgxDevices(const HostRoot& root);

}  // namespace teedp::hw
