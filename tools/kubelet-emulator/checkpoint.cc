#include "checkpoint.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"

namespace teedp::emulator {
namespace {

constexpr int kFormatVersion = 1;

using NumaNodes = std::map<std::string, std::vector<int64_t>>;

nlohmann::json EntryToJson(const CheckpointEntry& entry) {
  return {{"pod", entry.pod},
          {"container", entry.container},
          {"resource_name", entry.resource_name},
          {"device_ids", entry.device_ids},
          {"numa_nodes", entry.numa_nodes}};
}

CheckpointEntry EntryFromJson(const nlohmann::json& json) {
  return CheckpointEntry{.pod = json.at("pod").get<std::string>(),
                         .container = json.at("container").get<std::string>(),
                         .resource_name = json.at("resource_name").get<std::string>(),
                         .device_ids = json.at("device_ids").get<std::vector<std::string>>(),
                         // Absent in checkpoints written before topology was kept.
                         .numa_nodes = json.value("numa_nodes", NumaNodes())};
}

}  // namespace

absl::StatusOr<Checkpoint> Checkpoint::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Checkpoint();
  Checkpoint checkpoint;
  try {
    nlohmann::json json = nlohmann::json::parse(in);
    if (json.at("version").get<int>() != kFormatVersion) {
      return absl::DataLossError(
          absl::StrCat(path, ": unknown checkpoint version ", json.at("version").dump()));
    }
    for (const nlohmann::json& entry : json.at("entries")) {
      checkpoint.entries_.push_back(EntryFromJson(entry));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat(path, ": not a checkpoint: ", e.what()));
  }
  return checkpoint;
}

absl::Status Checkpoint::Save(const std::string& path) const {
  nlohmann::json entries = nlohmann::json::array();
  for (const CheckpointEntry& entry : entries_) entries.push_back(EntryToJson(entry));
  const nlohmann::json json = {{"version", kFormatVersion}, {"entries", std::move(entries)}};
  // Atomic, as the kubelet's own checkpoint: a crash mid-write must not leave half a file.
  return WriteFileAtomically(path, json.dump(2) + "\n");
}

void Checkpoint::Record(CheckpointEntry entry) {
  for (CheckpointEntry& existing : entries_) {
    if (existing.pod == entry.pod && existing.container == entry.container &&
        existing.resource_name == entry.resource_name) {
      existing = std::move(entry);
      return;
    }
  }
  entries_.push_back(std::move(entry));
}

const CheckpointEntry* Checkpoint::Find(const std::string& pod, const std::string& container,
                                        const std::string& resource_name) const {
  for (const CheckpointEntry& entry : entries_) {
    if (entry.pod == pod && entry.container == container && entry.resource_name == resource_name) {
      return &entry;
    }
  }
  return nullptr;
}

void Checkpoint::RemovePod(const std::string& pod) {
  std::erase_if(entries_, [&pod](const CheckpointEntry& entry) { return entry.pod == pod; });
}

std::vector<std::string> Checkpoint::IdsFor(const std::string& resource_name) const {
  std::vector<std::string> ids;
  for (const CheckpointEntry& entry : entries_) {
    if (entry.resource_name != resource_name) continue;
    ids.insert(ids.end(), entry.device_ids.begin(), entry.device_ids.end());
  }
  return ids;
}

std::set<std::string> Checkpoint::IdSetFor(const std::string& resource_name) const {
  std::vector<std::string> ids = IdsFor(resource_name);
  return std::set<std::string>(ids.begin(), ids.end());
}

}  // namespace teedp::emulator
