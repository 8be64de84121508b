// `detect`: what this node has for SGX, and why something is missing, and what it would serve
// through the device plugin API or DRA (the ResourceSlices); text or JSON.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/daemon_options.h"
#include "app/dra_report.h"
#include "app/plan_report.h"
#include "app/subcommands.h"
#include "dra/resource_slices.h"
#include "hw/inventory.h"
#include "hw/inventory_report.h"
#include "observe/node_labels.h"
#include "resources/dra_devices.h"
#include "resources/profile.h"
#include "resources/resource_plan.h"

namespace teedp::app {
namespace {

void Print(const hw::Inventory& inventory, const DaemonOptions& options,
           const std::vector<resources::ResourcePlan>& plans, bool json) {
  const std::optional<std::string> extended = resources::EpcExtendedResource(options.resources);
  // What `serve` writes into NFD's feature file (--nfd-features-dir).
  const std::vector<observe::NodeLabel> labels = observe::NodeLabelsFor(inventory);
  if (json) {
    nlohmann::json out = hw::InventoryJson(inventory);
    out["profile"] = resources::ProfileName(options.resources.profile);
    out["resources"] = nlohmann::json::array();
    for (const resources::ResourcePlan& plan : plans) out["resources"].push_back(PlanJson(plan));
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
  for (const resources::ResourcePlan& plan : plans) std::cout << PlanText(inventory, plan);
  if (extended) {
    std::cout << "  " << *extended << ": " << inventory.epc_bytes
              << " bytes as a node extended resource (NFD rule or --register-epc)\n";
  }
  std::cout << "\nNode labels (serve's NFD feature file)\n";
  for (const auto& [name, value] : labels) std::cout << "  " << name << "=" << value << "\n";
}

// The DRA view: the ResourceSlices serve would publish (without the Node's uid, which only the
// API server knows).
int PrintDra(const hw::Inventory& inventory, const std::string& node_name, bool json) {
  const std::vector<resources::DraDriverDevices> drivers = resources::PlanDraDevices(inventory);
  if (!json) {
    std::cout << hw::RenderInventoryText(inventory) << "\nDRA devices (ResourceSlices of node "
              << node_name << ")\n"
              << DraDevicesText(drivers);
    return kExitOk;
  }
  nlohmann::json out = hw::InventoryJson(inventory);
  out["resource_slices"] = nlohmann::json::array();
  for (const resources::DraDriverDevices& driver : drivers) {
    absl::StatusOr<std::vector<nlohmann::json>> slices =
        dra::BuildResourceSlices(driver, {node_name, ""}, 1);
    if (!slices.ok()) {
      std::cerr << "detect: " << slices.status().message() << "\n";
      return kExitUsage;
    }
    for (nlohmann::json& slice : *slices) out["resource_slices"].push_back(std::move(slice));
  }
  std::cout << out.dump(2) << "\n";
  return kExitOk;
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
  app.add_option("--kubelet-api", options.kubelet_api,
                 "Which kubelet API's view to print: device-plugin (the resources) or dra (the "
                 "ResourceSlices)")
      ->check(CLI::IsMember({kDeviceKubeletApi, kDraKubeletApi}))
      ->capture_default_str();
  std::string node_name = "this-node";
  app.add_option("--node-name", node_name, "The node the ResourceSlices name (--kubelet-api dra)")
      ->envname("NODE_NAME")
      ->capture_default_str();
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
  // The same planning as serve's, so detect accepts and refuses what serve does.
  absl::StatusOr<resources::NodePlan> node = resources::PlanNode(NodeConfigOf(options), inventory);
  if (!node.ok()) {
    std::cerr << "detect: " << node.status().message() << "\n";
    return kExitUsage;
  }
  if (options.kubelet_api == kDraKubeletApi) {
    if (const int printed = PrintDra(inventory, node_name, json); printed != kExitOk) {
      return printed;
    }
  } else {
    Print(inventory, options, node->resources, json);
  }
  // Scripts can test the verdict: 0 usable, 1 not usable (the report says why).
  return inventory.SgxUsable() ? kExitOk : kExitFailure;
}

}  // namespace teedp::app
