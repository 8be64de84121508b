// Provides EscapeJsonPointerToken and CapacityPointer: RFC 6901 JSON pointers into a Node object,
// where extended resource names ("sgx.intel.com/epc") contain the pointer's separator.
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace teedp::kubeapi {

// Escapes one reference token: "~" becomes "~0" and "/" becomes "~1" (in that order, so a "/"
// never turns into "~01"). Every other byte is kept.
std::string EscapeJsonPointerToken(std::string_view token);

// The pointer to a resource in the Node's status capacity:
// "sgx.intel.com/epc" -> "/status/capacity/sgx.intel.com~1epc".
std::string CapacityPointer(std::string_view resource_name);

}  // namespace teedp::kubeapi
