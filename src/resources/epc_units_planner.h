// Provides the planner of the EPC kind (epc_units.h): the EPC resource as the kubelet sees it
// (fixed-size units, each a device with a short stable ID and the NUMA node of its memory),
// derived from an Inventory. Pure logic: no I/O.
// Thread safety: pure functions.
#pragma once

#include "hw/inventory.h"
#include "resources/epc_units.h"
#include "resources/resource_plan.h"

namespace teedp::resources {

// Builds the plan (kind EpcUnits): one unit per whole unit of EPC on each NUMA node (a partial
// unit is dropped, so 93.5 MiB gives 93 units), healthy while inventory.SgxUsable(). The
// advertisement is cut to what fits in the kubelet's ListAndWatch limit (see
// ResourcePlan::units_on_node and EpcUnits::smallest_fitting_unit_bytes).
// Also: total units are clamped to UINT32_MAX (IDs are 32-bit); NUMA nodes without a whole unit
// get no block; when healthy is false, health_reason is the inventory's first problem, or
// "no EPC" when SGX is usable but there is not one whole unit.
ResourcePlan PlanKind(const hw::Inventory& inventory, const EpcConfig& config);

}  // namespace teedp::resources
