// Provides PlanNode, the one way a configuration and an inventory become the node's plan: the
// resources the profile serves here, each planned by its kind, with CDI names when asked for.
// `serve` (at start and on every re-probe) and `detect` both call it, so they accept and refuse
// the same configurations.
// Thread safety: pure functions over values.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "hw/guest_devices.h"
#include "hw/inventory.h"
#include "resources/profile.h"
#include "resources/resource_plan.h"

namespace teedp::resources {

struct NodeConfig {
  ProfileConfig profile;
  // Allocate answers with each resource's CDI device name (cdi_spec.h) instead of its edits.
  bool cdi = false;
  // The confidential VM guest interfaces to serve; nullopt: those the inventory has. A running
  // daemon pins the set it started with (NodePlan::guests), so a re-probe keeps every resource: a
  // device that went away makes its resource Unhealthy instead of taking it off the node.
  std::optional<std::vector<hw::GuestTee>> guests;
};

struct NodePlan {
  std::vector<ResourcePlan> resources;  // in ResourcesFor order
  std::vector<hw::GuestTee> guests;     // the guest interfaces among them, in order
  friend bool operator==(const NodePlan&, const NodePlan&) = default;
};

// The node's plan. InvalidArgument, naming the resources, when two resources have the same name
// or names that end alike after the '/' (each resource is served on a socket named by that part).
absl::StatusOr<NodePlan> PlanNode(const NodeConfig& config, const hw::Inventory& inventory);

}  // namespace teedp::resources
