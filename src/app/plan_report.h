// Provides how a resource plan is told to people: the line `serve` logs and `detect` prints, the
// warning for an advertisement cut to the kubelet's limit, and detect's text and JSON. What a
// kind adds is one overload per kind in plan_report.cc, picked by std::visit.
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hw/inventory.h"
#include "resources/resource_plan.h"

namespace teedp::app {

// Units and their size for EPC, slots and the device for a shared resource, and health.
std::string DescribePlan(const hw::Inventory& inventory, const resources::ResourcePlan& plan);

// The loud warning for a plan cut to the kubelet's message limit: the node's EPC, what is
// advertised, and the smallest unit that would list all of it. "" when the plan is not capped.
std::string CappedWarning(const hw::Inventory& inventory, const resources::ResourcePlan& plan);

// detect's text for one plan: the description, the warning when capped, and for EPC one line per
// NUMA block; every line indented and ending in a newline.
std::string PlanText(const hw::Inventory& inventory, const resources::ResourcePlan& plan);

// detect's JSON for one plan.
nlohmann::json PlanJson(const resources::ResourcePlan& plan);

}  // namespace teedp::app
