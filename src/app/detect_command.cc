// `detect`: what this node has for SGX, and why something is missing; text or JSON.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/daemon_options.h"
#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "common/byte_size.h"
#include "hw/inventory.h"
#include "hw/inventory_report.h"
#include "resources/device_list_size.h"
#include "resources/epc_plan.h"

namespace tee::app {
namespace {

nlohmann::json PlanJson(const resources::EpcPlan& plan) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const resources::UnitBlock& block : plan.blocks) {
    blocks.push_back({{"numa_node", block.numa_node}, {"units", block.count}});
  }
  return {{"name", plan.resource_name},
          {"unit_bytes", plan.unit_bytes},
          {"units", plan.unit_count},
          {"units_on_node", plan.units_on_node},
          {"capped_to_kubelet_limit", plan.capped()},
          {"smallest_fitting_unit_bytes", plan.smallest_fitting_unit_bytes},
          {"list_and_watch_bytes",
           resources::EncodedDeviceListBytes(plan.blocks, plan.has_topology, plan.healthy)},
          {"topology", plan.has_topology},
          {"healthy", plan.healthy},
          {"health_reason", plan.health_reason},
          {"numa_blocks", blocks}};
}

void PrintPlanText(const hw::Inventory& inventory, const resources::EpcPlan& plan) {
  std::cout << "\nKubernetes resource\n  " << plan.resource_name << ": " << plan.unit_count
            << " devices of " << FormatByteSize(plan.unit_bytes) << ", "
            << (plan.healthy ? "Healthy" : "Unhealthy (" + plan.health_reason + ")") << "\n";
  if (plan.capped()) std::cout << "  WARNING: " << CappedWarning(inventory, plan) << "\n";
  for (const resources::UnitBlock& block : plan.blocks) {
    std::cout << "    NUMA node "
              << (block.numa_node < 0 ? std::string("(none)") : std::to_string(block.numa_node))
              << ": " << block.count << " devices\n";
  }
}

}  // namespace

int RunDetect(int argc, char** argv) {
  DaemonOptions options;
  bool json = false;
  CLI::App app("Print what this node has for SGX and, when something is missing, why", "detect");
  AddHardwareFlags(app, &options);
  AddResourceFlags(app, &options);
  app.add_flag("--json", json, "Print JSON instead of text");
  if (auto exit_code = ParseFlags(app, argc, argv)) return *exit_code;
  if (absl::Status status = ValidateOptions(options); !status.ok()) {
    std::cerr << "detect: " << status.message() << "\n";
    return kExitUsage;
  }
  auto cpuid = OpenCpuidSource(options);
  if (!cpuid.ok()) {
    std::cerr << "detect: " << cpuid.status().message() << "\n";
    return kExitUsage;
  }
  hw::HostRoot root(options.host_root);
  hw::Inventory inventory = hw::ProbeInventory(root, **cpuid);
  auto plan = resources::PlanEpcDevices(inventory, options.epc);
  if (!plan.ok()) {
    std::cerr << "detect: " << plan.status().message() << "\n";
    return kExitUsage;
  }
  if (json) {
    nlohmann::json out = hw::InventoryJson(inventory);
    out["resources"] = nlohmann::json::array({PlanJson(*plan)});
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << hw::RenderInventoryText(inventory);
    PrintPlanText(inventory, *plan);
  }
  // Scripts can test the verdict: 0 usable, 1 not usable (the report says why).
  return inventory.SgxUsable() ? kExitOk : kExitFailure;
}

}  // namespace tee::app
