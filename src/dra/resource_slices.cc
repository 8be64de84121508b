#include "dra/resource_slices.h"

#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/kubernetes_names.h"
#include "kubeapi/quantity.h"

namespace teedp::dra {
namespace {

nlohmann::json AttributeJson(const resources::DraAttribute& value) {
  struct Typed {
    nlohmann::json operator()(bool flag) const { return {{"bool", flag}}; }
    nlohmann::json operator()(int64_t number) const { return {{"int", number}}; }
    nlohmann::json operator()(const std::string& text) const { return {{"string", text}}; }
  };
  return std::visit(Typed{}, value);
}

nlohmann::json CapacityJson(const resources::DraCapacity& capacity) {
  nlohmann::json out = {{"value", kubeapi::BytesToQuantity(capacity.value)}};
  if (capacity.step == 0) return out;
  out["requestPolicy"] = {
      {"default", kubeapi::BytesToQuantity(capacity.default_request)},
      {"validRange",
       {{"min", kubeapi::BytesToQuantity(capacity.min)},
        {"step", kubeapi::BytesToQuantity(capacity.step)}}},
  };
  return out;
}

}  // namespace

nlohmann::json DeviceJson(const resources::DraDevice& device) {
  nlohmann::json out = {{"name", device.name}};
  if (!device.attributes.empty()) {
    nlohmann::json& attributes = out["attributes"];
    for (const auto& [name, value] : device.attributes) attributes[name] = AttributeJson(value);
  }
  if (!device.capacity.empty()) {
    nlohmann::json& capacity = out["capacity"];
    for (const auto& [name, value] : device.capacity) capacity[name] = CapacityJson(value);
  }
  if (device.allow_multiple_allocations) out["allowMultipleAllocations"] = true;
  return out;
}

absl::StatusOr<std::vector<nlohmann::json>> BuildResourceSlices(
    const resources::DraDriverDevices& driver, const NodeIdentity& node, int64_t generation) {
  if (DnsSubdomainFault(node.name) != NameFault::kNone) {
    return absl::InvalidArgumentError(
        absl::StrCat("node name \"", node.name, "\" is not a DNS subdomain"));
  }
  const size_t count = (driver.devices.size() + kMaxDevicesPerSlice - 1) / kMaxDevicesPerSlice;
  std::vector<nlohmann::json> slices;
  for (size_t index = 0; index < count; ++index) {
    std::string name = absl::StrCat(node.name, "-", driver.driver, "-", index);
    if (name.size() > kMaxDnsSubdomainLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ResourceSlice name ", name, " is longer than ", kMaxDnsSubdomainLength,
                       " characters: the node name is too long for a slice name"));
    }
    nlohmann::json devices = nlohmann::json::array();
    const size_t first = index * kMaxDevicesPerSlice;
    const size_t last = std::min(driver.devices.size(), first + kMaxDevicesPerSlice);
    for (size_t i = first; i < last; ++i) devices.push_back(DeviceJson(driver.devices[i]));
    slices.push_back({
        {"apiVersion", "resource.k8s.io/v1"},
        {"kind", "ResourceSlice"},
        {"metadata", {{"name", std::move(name)}}},
        {"spec",
         {{"driver", driver.driver},
          {"pool",
           {{"name", node.name},
            {"generation", generation},
            {"resourceSliceCount", static_cast<int64_t>(count)}}},
          {"nodeName", node.name},
          {"devices", std::move(devices)}}},
    });
    if (!node.uid.empty()) {
      slices.back()["metadata"]["ownerReferences"] = {{{"apiVersion", "v1"},
                                                       {"kind", "Node"},
                                                       {"name", node.name},
                                                       {"uid", node.uid},
                                                       {"controller", true}}};
    }
  }
  return slices;
}

}  // namespace teedp::dra
