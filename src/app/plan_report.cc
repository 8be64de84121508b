#include "app/plan_report.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "common/byte_size.h"
#include "resources/device_list_size.h"

namespace teedp::app {
namespace {

using resources::EpcUnits;
using resources::ResourcePlan;
using resources::SharedSlots;

std::string Health(const ResourcePlan& plan) {
  return plan.healthy ? "Healthy" : "Unhealthy: " + plan.health_reason;
}

// One overload per kind of each: std::visit picks them, so a kind without one does not compile.
struct Description {
  const hw::Inventory& inventory;
  const ResourcePlan& plan;
  std::string operator()(const EpcUnits& epc) const {
    return absl::StrCat(plan.resource_name, ": ", plan.unit_count, " units of ",
                        FormatByteSize(epc.unit_bytes), " (", FormatByteSize(inventory.epc_bytes),
                        " of EPC, ", plan.blocks.size(), " NUMA block(s), driver ",
                        hw::SgxDriverName(inventory.driver), "), ", Health(plan));
  }
  std::string operator()(const SharedSlots& shared) const {
    return absl::StrCat(plan.resource_name, ": ", plan.unit_count, " containers may share ",
                        shared.host_path.empty() ? "no device" : shared.host_path, ", ",
                        Health(plan));
  }
};

struct Warning {
  const hw::Inventory& inventory;
  const ResourcePlan& plan;
  std::string operator()(const EpcUnits& epc) const {
    std::string unit = FormatByteSize(epc.smallest_fitting_unit_bytes);
    std::erase(unit, ' ');  // as the flag takes it: "4MiB"
    std::string advice = epc.smallest_fitting_unit_bytes == 0
                             ? "no unit up to 1 GiB would fit all of it"
                             : absl::StrCat("--epc-unit ", unit,
                                            " (with a resource name that says so) would advertise "
                                            "all of it");
    return absl::StrCat(
        "ADVERTISING ONLY PART OF THE EPC: this node has ", FormatByteSize(inventory.epc_bytes),
        " = ", plan.units_on_node, " units of ", FormatByteSize(epc.unit_bytes),
        ", more than one ListAndWatch message the kubelet accepts (4 MiB) can list; advertising ",
        plan.unit_count, " units (", FormatByteSize(plan.unit_count * epc.unit_bytes), "); ",
        advice);
  }
  std::string operator()(const SharedSlots&) const { return ""; }  // never capped
};

struct DetailLines {
  const ResourcePlan& plan;
  std::string operator()(const EpcUnits&) const {
    std::string text;
    for (const resources::UnitBlock& block : plan.blocks) {
      absl::StrAppend(&text, "    NUMA node ",
                      block.numa_node < 0 ? std::string("(none)") : std::to_string(block.numa_node),
                      ": ", block.count, " devices\n");
    }
    return text;
  }
  std::string operator()(const SharedSlots&) const { return ""; }
};

struct KindJson {
  nlohmann::json operator()(const EpcUnits& epc) const {
    return {{"kind", "epc_units"},
            {"unit_bytes", epc.unit_bytes},
            {"smallest_fitting_unit_bytes", epc.smallest_fitting_unit_bytes}};
  }
  nlohmann::json operator()(const SharedSlots&) const {
    return {{"kind", "shared_device"}, {"unit_bytes", 0}, {"smallest_fitting_unit_bytes", 0}};
  }
};

}  // namespace

std::string DescribePlan(const hw::Inventory& inventory, const ResourcePlan& plan) {
  return std::visit(Description{inventory, plan}, plan.kind);
}

std::string CappedWarning(const hw::Inventory& inventory, const ResourcePlan& plan) {
  if (!plan.capped()) return "";
  return std::visit(Warning{inventory, plan}, plan.kind);
}

std::string PlanText(const hw::Inventory& inventory, const ResourcePlan& plan) {
  std::string text = absl::StrCat("  ", DescribePlan(inventory, plan), "\n");
  if (plan.capped()) absl::StrAppend(&text, "  WARNING: ", CappedWarning(inventory, plan), "\n");
  return text + std::visit(DetailLines{plan}, plan.kind);
}

nlohmann::json PlanJson(const ResourcePlan& plan) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const resources::UnitBlock& block : plan.blocks) {
    blocks.push_back({{"numa_node", block.numa_node}, {"units", block.count}});
  }
  nlohmann::json out = {{"name", plan.resource_name},
                        {"units", plan.unit_count},
                        {"units_on_node", plan.units_on_node},
                        {"capped_to_kubelet_limit", plan.capped()},
                        {"list_and_watch_bytes", resources::EncodedDeviceListBytes(
                                                     plan.blocks, plan.has_topology, plan.healthy)},
                        {"topology", plan.has_topology},
                        {"healthy", plan.healthy},
                        {"health_reason", plan.health_reason},
                        {"numa_blocks", blocks}};
  out.update(std::visit(KindJson{}, plan.kind));
  return out;
}

}  // namespace teedp::app
