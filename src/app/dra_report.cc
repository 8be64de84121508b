#include "app/dra_report.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kubeapi/quantity.h"

namespace teedp::app {
namespace {

std::string AttributeText(const resources::DraAttribute& value) {
  struct Text {
    std::string operator()(bool flag) const { return flag ? "true" : "false"; }
    std::string operator()(int64_t number) const { return std::to_string(number); }
    std::string operator()(const std::string& text) const { return text; }
  };
  return std::visit(Text{}, value);
}

std::string DeviceText(const std::string& driver, const resources::DraDevice& device) {
  std::vector<std::string> parts;
  for (const auto& [name, capacity] : device.capacity) {
    parts.push_back(absl::StrCat(
        name, " ", kubeapi::BytesToQuantity(capacity.value),
        " shared by claims (requests rounded up to ", kubeapi::BytesToQuantity(capacity.step), ", ",
        kubeapi::BytesToQuantity(capacity.default_request), " when a claim names no amount)"));
  }
  if (device.capacity.empty() && device.allow_multiple_allocations) {
    parts.emplace_back("shared by any number of claims");
  }
  std::vector<std::string> attributes;
  for (const auto& [name, value] : device.attributes) {
    attributes.push_back(absl::StrCat(name, "=", AttributeText(value)));
  }
  if (!attributes.empty()) parts.push_back(absl::StrJoin(attributes, " "));
  std::vector<std::string> paths;
  for (const resources::DeviceSpec& node : device.edits.devices) {
    paths.push_back(node.container_path);
  }
  for (const resources::Mount& mount : device.edits.mounts) paths.push_back(mount.container_path);
  if (!paths.empty()) parts.push_back("container gets " + absl::StrJoin(paths, ", "));
  return absl::StrCat("  ", driver, "/", device.name, ": ", absl::StrJoin(parts, "; "), "\n");
}

}  // namespace

std::string DraDevicesText(const std::vector<resources::DraDriverDevices>& drivers) {
  std::string text;
  for (const resources::DraDriverDevices& driver : drivers) {
    for (const resources::DraDevice& device : driver.devices) {
      text += DeviceText(driver.driver, device);
    }
  }
  if (text.empty()) text = "  none: no usable SGX and no confidential VM guest interface\n";
  return text;
}

}  // namespace teedp::app
