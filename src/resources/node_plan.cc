#include "resources/node_plan.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "resources/cdi_spec.h"

namespace teedp::resources {
namespace {

std::vector<hw::GuestTee> GuestsOf(const hw::Inventory& inventory) {
  std::vector<hw::GuestTee> guests;
  guests.reserve(inventory.guest_devices.size());
  for (const hw::GuestDevice& found : inventory.guest_devices) guests.push_back(found.tee);
  return guests;
}

absl::Status CheckNamesDiffer(const std::vector<ResourceSpec>& specs) {
  std::set<ResourceName> names;
  for (const ResourceSpec& spec : specs) {
    if (!names.insert(NameOf(spec)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two resources are named ", NameOf(spec).str(), "; give each its own name"));
    }
  }
  // The kubelet edge names each resource's socket after the part of its name after the '/'.
  std::set<std::string_view> name_parts;
  for (const ResourceSpec& spec : specs) {
    if (!name_parts.insert(NameOf(spec).name_part()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two resources would share the socket ", std::string(NameOf(spec).name_part()),
          ".sock (the part of the name after the /); rename one of them, such as ",
          NameOf(spec).str()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NodePlan> PlanNode(const NodeConfig& config, const hw::Inventory& inventory) {
  NodePlan node;
  node.guests = config.guests.value_or(GuestsOf(inventory));
  const std::vector<ResourceSpec> specs = ResourcesFor(config.profile, node.guests);
  TEE_RETURN_IF_ERROR(CheckNamesDiffer(specs));
  for (const ResourceSpec& spec : specs) {
    ResourcePlan plan = PlanResource(inventory, spec);
    if (config.cdi) plan.cdi_device = QualifiedCdiName(plan.resource_name);
    node.resources.push_back(std::move(plan));
  }
  return node;
}

}  // namespace teedp::resources
