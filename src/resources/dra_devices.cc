#include "resources/dra_devices.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "resources/shared_device.h"

namespace teedp::resources {
namespace {

// CPUID gives the largest enclave as log2 bytes; beyond 62 bits it is not a meaningful size.
constexpr uint32_t kMaxEnclaveBits = 62;

// `type` tells a DeviceClass's CEL selector which of the driver's devices it is ("epc",
// "enclave", "provision").
std::map<std::string, DraAttribute> SgxAttributes(const hw::Inventory& inventory,
                                                  std::string type) {
  std::map<std::string, DraAttribute> attributes = {
      {"type", std::move(type)},
      {"sgx1", inventory.cpuid.sgx1},
      {"sgx2", inventory.cpuid.sgx2},
      {"flc", inventory.cpuid.sgx_lc},
      {"driver", std::string(hw::SgxDriverName(inventory.driver))},
  };
  const uint32_t bits = inventory.cpuid.max_enclave_bits_64;
  if (bits > 0 && bits <= kMaxEnclaveBits) {
    attributes.emplace("maxEnclaveSize", static_cast<int64_t>(uint64_t{1} << bits));
  }
  return attributes;
}

DraDevice EpcDevice(const hw::Inventory& inventory, int numa_node, uint64_t bytes) {
  DraDevice device;
  device.name = numa_node < 0 ? "epc" : absl::StrCat("epc-numa-", numa_node);
  device.attributes = SgxAttributes(inventory, "epc");
  if (numa_node >= 0) device.attributes.emplace("numaNode", int64_t{numa_node});
  device.capacity.emplace(std::string(kEpcCapacity),
                          DraCapacity{.value = bytes,
                                      .default_request = kDefaultEpcRequestBytes,
                                      .min = kEpcPageBytes,
                                      .step = kEpcPageBytes});
  device.allow_multiple_allocations = true;
  device.edits = PlanContainerEdits(inventory);
  return device;
}

// EPC per NUMA node, a node listed twice summed, nodes without a whole page left out.
std::vector<DraDevice> EpcDevices(const hw::Inventory& inventory) {
  std::vector<DraDevice> devices;
  if (inventory.numa_epc.empty()) {
    const uint64_t bytes = inventory.epc_bytes / kEpcPageBytes * kEpcPageBytes;
    if (bytes > 0) devices.push_back(EpcDevice(inventory, -1, bytes));
    return devices;
  }
  std::map<int, uint64_t> per_node;
  for (const hw::NumaEpc& numa : inventory.numa_epc) per_node[numa.node] += numa.bytes;
  for (const auto& [node, total] : per_node) {
    const uint64_t bytes = total / kEpcPageBytes * kEpcPageBytes;
    if (bytes > 0) devices.push_back(EpcDevice(inventory, node, bytes));
  }
  return devices;
}

// A shareable device node, when this host has it.
void AddSharedDevice(const hw::Inventory& inventory, SharedDevice shared, std::string name,
                     std::map<std::string, DraAttribute> attributes,
                     std::vector<DraDevice>* devices) {
  if (!SharedDevicePath(inventory, shared)) return;
  SharedDeviceConfig config;
  config.device = shared;
  ResourcePlan plan = PlanKind(inventory, config);
  devices->push_back({.name = std::move(name),
                      .attributes = std::move(attributes),
                      .capacity = {},
                      .allow_multiple_allocations = true,
                      .edits = std::move(plan.container_edits)});
}

std::string GuestDeviceName(hw::GuestTee tee) {
  switch (tee) {
    case hw::GuestTee::kTdx:
      return "tdx-guest";
    case hw::GuestTee::kSevSnp:
      return "sev-snp-guest";
    case hw::GuestTee::kTpm:
      return "tpm";
    case hw::GuestTee::kTsmReport:
      return "tsm-report";
  }
  return "unknown";
}

}  // namespace

std::vector<DraDriverDevices> PlanDraDevices(const hw::Inventory& inventory) {
  std::vector<DraDriverDevices> drivers;
  if (inventory.SgxUsable()) {
    DraDriverDevices sgx{.driver = std::string(kSgxDraDriver), .devices = EpcDevices(inventory)};
    AddSharedDevice(inventory, SharedDevice::kSgxEnclave, "enclave",
                    SgxAttributes(inventory, "enclave"), &sgx.devices);
    AddSharedDevice(inventory, SharedDevice::kSgxProvision, "provision",
                    SgxAttributes(inventory, "provision"), &sgx.devices);
    if (!sgx.devices.empty()) drivers.push_back(std::move(sgx));
  }
  DraDriverDevices guest{.driver = std::string(kGuestDraDriver), .devices = {}};
  for (const hw::GuestDevice& found : inventory.guest_devices) {
    AddSharedDevice(inventory, SharedDeviceFor(found.tee), GuestDeviceName(found.tee),
                    {{"tee", std::string(hw::GuestTeeName(found.tee))}}, &guest.devices);
  }
  if (!guest.devices.empty()) drivers.push_back(std::move(guest));
  return drivers;
}

}  // namespace teedp::resources
