#include "resources/cdi_spec.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace teedp::resources {
namespace {

nlohmann::json EditsJson(const ContainerEdits& edits) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const DeviceSpec& device : edits.devices) {
    nodes.push_back({{"path", device.container_path},
                     {"hostPath", device.host_path},
                     {"permissions", device.permissions}});
  }
  nlohmann::json mounts = nlohmann::json::array();
  for (const Mount& mount : edits.mounts) {
    mounts.push_back({{"hostPath", mount.host_path},
                      {"containerPath", mount.container_path},
                      {"options", {"rbind", mount.read_only ? "ro" : "rw"}}});
  }
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [name, value] : edits.envs) env.push_back(absl::StrCat(name, "=", value));
  nlohmann::json out = nlohmann::json::object();
  if (!nodes.empty()) out["deviceNodes"] = std::move(nodes);
  if (!mounts.empty()) out["mounts"] = std::move(mounts);
  if (!env.empty()) out["env"] = std::move(env);
  return out;
}

}  // namespace

std::string CdiDeviceName(std::string_view resource_name) {
  std::string name(resource_name);
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

std::string QualifiedCdiName(std::string_view resource_name) {
  return std::string(kCdiKind) + "=" + CdiDeviceName(resource_name);
}

nlohmann::json BuildCdiSpec(const std::vector<std::pair<std::string, ContainerEdits>>& resources) {
  std::vector<std::pair<std::string, ContainerEdits>> devices;
  devices.reserve(resources.size());
  for (const auto& [resource_name, edits] : resources) {
    devices.emplace_back(CdiDeviceName(resource_name), edits);
  }
  return BuildCdiSpecOfKind(kCdiKind, devices);
}

nlohmann::json BuildCdiSpecOfKind(
    std::string_view kind, const std::vector<std::pair<std::string, ContainerEdits>>& devices) {
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& [name, edits] : devices) {
    listed.push_back({{"name", name}, {"containerEdits", EditsJson(edits)}});
  }
  return {{"cdiVersion", kCdiVersion}, {"kind", kind}, {"devices", std::move(listed)}};
}

}  // namespace teedp::resources
