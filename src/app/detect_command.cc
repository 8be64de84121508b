// `detect`: what this node has for SGX, and why something is missing; text or JSON.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/daemon_options.h"
#include "app/plugin_daemon.h"
#include "app/subcommands.h"
#include "common/byte_size.h"
#include "common/status_macros.h"
#include "hw/inventory.h"
#include "hw/inventory_report.h"
#include "observe/node_labels.h"
#include "resources/device_list_size.h"
#include "resources/epc_plan.h"
#include "resources/profile.h"

namespace teedp::app {
namespace {

nlohmann::json PlanJson(const resources::EpcPlan& plan) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const resources::UnitBlock& block : plan.blocks) {
    blocks.push_back({{"numa_node", block.numa_node}, {"units", block.count}});
  }
  return {{"name", plan.resource_name},
          {"kind", plan.shared_device() ? "shared_device" : "epc_units"},
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
  std::cout << "  " << DescribePlan(inventory, plan) << "\n";
  if (plan.capped()) std::cout << "  WARNING: " << CappedWarning(inventory, plan) << "\n";
  if (plan.shared_device()) return;
  for (const resources::UnitBlock& block : plan.blocks) {
    std::cout << "    NUMA node "
              << (block.numa_node < 0 ? std::string("(none)") : std::to_string(block.numa_node))
              << ": " << block.count << " devices\n";
  }
}

// Plans every resource the profile serves here; InvalidArgument for a bad configuration.
absl::StatusOr<std::vector<resources::EpcPlan>> PlanAll(const DaemonOptions& options,
                                                        const hw::Inventory& inventory) {
  TEE_ASSIGN_OR_RETURN(std::vector<resources::ResourceSpec> specs,
                       resources::ResourcesFor(options.resources, inventory));
  std::vector<resources::EpcPlan> plans;
  for (const resources::ResourceSpec& spec : specs) {
    TEE_ASSIGN_OR_RETURN(resources::EpcPlan plan, resources::PlanResource(inventory, spec));
    plans.push_back(std::move(plan));
  }
  return plans;
}

void Print(const hw::Inventory& inventory, const DaemonOptions& options,
           const std::vector<resources::EpcPlan>& plans, bool json) {
  const std::optional<std::string> extended = resources::EpcExtendedResource(options.resources);
  // What `serve` writes into NFD's feature file (--nfd-features-dir).
  const std::vector<observe::NodeLabel> labels = observe::NodeLabelsFor(inventory);
  if (json) {
    nlohmann::json out = hw::InventoryJson(inventory);
    out["profile"] = resources::ProfileName(options.resources.profile);
    out["resources"] = nlohmann::json::array();
    for (const resources::EpcPlan& plan : plans) out["resources"].push_back(PlanJson(plan));
    out["epc_extended_resource"] =
        extended ? nlohmann::json{{"name", *extended}, {"bytes", inventory.epc_bytes}}
                 : nlohmann::json(nullptr);
    out["node_labels"] = nlohmann::json::object();
    for (const auto& [name, value] : labels) out["node_labels"][name] = value;
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << hw::RenderInventoryText(inventory) << "\nKubernetes resources (profile "
            << resources::ProfileName(options.resources.profile) << ")\n";
  for (const resources::EpcPlan& plan : plans) PrintPlanText(inventory, plan);
  if (extended) {
    std::cout << "  " << *extended << ": " << inventory.epc_bytes
              << " bytes as a node extended resource (NFD rule or --register-epc)\n";
  }
  std::cout << "\nNode labels (serve's NFD feature file)\n";
  for (const auto& [name, value] : labels) std::cout << "  " << name << "=" << value << "\n";
}

}  // namespace

int RunDetect(int argc, char** argv) {
  DaemonOptions options;
  bool json = false;
  CLI::App app(
      "Print what this node has for SGX and confidential VMs, the resources it would serve, and "
      "why something is missing",
      "detect");
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
  auto plans = PlanAll(options, inventory);
  if (!plans.ok()) {
    std::cerr << "detect: " << plans.status().message() << "\n";
    return kExitUsage;
  }
  Print(inventory, options, *plans, json);
  // Scripts can test the verdict: 0 usable, 1 not usable (the report says why).
  return inventory.SgxUsable() ? kExitOk : kExitFailure;
}

}  // namespace teedp::app
