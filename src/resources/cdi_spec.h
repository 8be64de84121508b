// Provides the Container Device Interface (CDI) view of the plan: one CDI device per resource,
// carrying the same container edits a plain Allocate answer would, and the spec file that
// describes them, for runtimes (containerd 1.7+, CRI-O) that inject devices by CDI name.
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resources/container_edits.h"

namespace teedp::resources {

// The CDI kind (vendor/class) of every device this plugin describes.
inline constexpr std::string_view kCdiKind = "tee.dev/resource";
// The spec version written: the first with hostPath on device nodes.
inline constexpr std::string_view kCdiVersion = "0.5.0";
// The spec file's name in the CDI directory; runtimes read every *.json there.
inline constexpr std::string_view kCdiSpecFile = "tee.dev-resource.json";

// The CDI device name of a resource: its name with '/' as '_', which CDI allows
// ("kubernetes.azure.com/sgx_epc_mem_in_MiB" -> "kubernetes.azure.com_sgx_epc_mem_in_MiB").
std::string CdiDeviceName(std::string_view resource_name);
// "tee.dev/resource=<CdiDeviceName>", what Allocate answers with under --cdi.
std::string QualifiedCdiName(std::string_view resource_name);

// The spec: one device per (resource name, edits) pair, device nodes with path, hostPath and
// permissions, bind mounts ("rw" or "ro"), env as NAME=value. Order follows the input.
nlohmann::json BuildCdiSpec(const std::vector<std::pair<std::string, ContainerEdits>>& resources);

// A spec of `kind` ("vendor/class") with one device per (CDI device name, edits) pair, in order.
nlohmann::json BuildCdiSpecOfKind(
    std::string_view kind, const std::vector<std::pair<std::string, ContainerEdits>>& devices);

}  // namespace teedp::resources
