// Provides Checkpoint, the emulator's record of which device IDs each pod's containers hold per
// resource and on which NUMA nodes, persisted as JSON like the kubelet's
// kubelet_internal_checkpoint so allocations survive a kubelet restart. Thread safety: a plain
// value type; callers synchronise access.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace teedp::emulator {

struct CheckpointEntry {
  std::string pod;
  std::string container;
  std::string resource_name;
  std::vector<std::string> device_ids;
  // The NUMA nodes each ID had in the plugin's list when it was admitted, as the kubelet keeps
  // them in its checkpoint; an ID missing here, or with no node, has no topology.
  std::map<std::string, std::vector<int64_t>> numa_nodes = {};
};

class Checkpoint {
 public:
  // Reads `path`; a missing file is an empty checkpoint. DataLoss naming the file when it is not
  // a checkpoint this emulator wrote.
  static absl::StatusOr<Checkpoint> Load(const std::string& path);
  // Writes to a temporary file beside `path` and renames it over, so a crash never leaves half a
  // checkpoint. Internal error naming the file on I/O failure.
  absl::Status Save(const std::string& path) const;

  // Adds or replaces the entry for pod/container/resource.
  void Record(CheckpointEntry entry);
  // The entry for pod/container/resource, or nullptr. Valid until the next change.
  const CheckpointEntry* Find(const std::string& pod, const std::string& container,
                              const std::string& resource_name) const;
  void RemovePod(const std::string& pod);
  // Every ID held for the resource, in checkpoint order.
  std::vector<std::string> IdsFor(const std::string& resource_name) const;
  std::set<std::string> IdSetFor(const std::string& resource_name) const;

  const std::vector<CheckpointEntry>& entries() const { return entries_; }

 private:
  std::vector<CheckpointEntry> entries_;
};

}  // namespace teedp::emulator
