// Provides ResourcePlan, one resource as the kubelet sees it: a name, `unit_count` devices with
// short stable IDs (device_id.h) in NUMA blocks, one health for all of them, what a container
// that holds any of them gets, and what is particular to its kind (EpcUnits, SharedSlots).
// Thread safety: an immutable value once built; share it as shared_ptr<const ResourcePlan>.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "resources/container_edits.h"
#include "resources/epc_units.h"
#include "resources/shared_slots.h"

namespace teedp::resources {

// Every kind of resource, listed once. A kind is a header with what its plans carry (the kind's
// type, listed here) and what the operator configures (its nested `Config`), plus a planner
// `ResourcePlan PlanKind(const hw::Inventory&, const Kind::Config&)`. Code that treats kinds
// differently visits a variant with one overload per kind, so the compiler finds every place.
template <typename... Kinds>
struct KindList {
  using Kind = std::variant<Kinds...>;
  using Config = std::variant<typename Kinds::Config...>;
};
using ResourceKinds = KindList<EpcUnits, SharedSlots>;

// What is particular to a plan's kind.
using ResourceKind = ResourceKinds::Kind;
// One resource to serve: the configuration of its kind, which names it and picks its planner.
using ResourceSpec = ResourceKinds::Config;

// A run of consecutive unit indices whose memory sits on one NUMA node.
struct UnitBlock {
  int numa_node = -1;  // -1: no topology known
  uint32_t first = 0;
  uint32_t count = 0;
  friend bool operator==(const UnitBlock&, const UnitBlock&) = default;
};

struct ResourcePlan {
  std::string resource_name;
  ResourceKind kind;
  uint32_t unit_count = 0;
  // Contiguous blocks covering [0, unit_count), ordered by `first`, NUMA nodes ascending.
  std::vector<UnitBlock> blocks;
  bool has_topology = false;  // devices carry a NUMA node: only when units span several nodes
  // Whole units the node has. More than unit_count when the full list would exceed the kubelet's
  // 4 MiB message limit: then only as many as fit are advertised (never more than exist).
  uint64_t units_on_node = 0;
  bool healthy = false;
  std::string health_reason;  // why unhealthy ("" when healthy)
  ContainerEdits container_edits;
  // When set (CDI on), Allocate answers with this fully qualified CDI device name instead of
  // container_edits, which the CDI spec file then carries.
  std::string cdi_device;

  // NUMA node of a unit (-1 when the kernel gave no topology). REQUIRES: index < unit_count.
  int NumaNodeOf(uint32_t index) const;
  bool capped() const { return unit_count < units_on_node; }
  friend bool operator==(const ResourcePlan&, const ResourcePlan&) = default;
};

}  // namespace teedp::resources
