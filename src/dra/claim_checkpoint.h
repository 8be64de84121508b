// Provides the checkpoint of prepared claims: what NodePrepareResources answered for each claim
// and which CDI spec file it wrote, kept on disk so a restarted plugin answers a repeated prepare
// the same way and can still unprepare claims prepared before the restart.
// Thread safety: pure functions over values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "resources/claim_preparation.h"

namespace teedp::dra {

inline constexpr int kCheckpointVersion = 1;

struct PreparedClaimRecord {
  std::string namespace_name;
  std::string name;
  std::string driver;
  std::string cdi_spec_file;  // a file name in the CDI directory, never a path
  std::vector<resources::PreparedDevice> devices;
  friend bool operator==(const PreparedClaimRecord&, const PreparedClaimRecord&) = default;
};

// Prepared claims by uid.
using Checkpoint = std::map<std::string, PreparedClaimRecord>;

// {"version":1,"claims":{"<uid>":{...}}}, keys in a fixed order.
std::string SerializeCheckpoint(const Checkpoint& checkpoint);

// Reads what SerializeCheckpoint wrote. InvalidArgument naming the field when the text is not
// such a checkpoint: not JSON, another version, a field missing or of the wrong type, or a CDI
// spec file name that is not a plain file name (so a tampered checkpoint cannot make unprepare
// delete a file outside the CDI directory).
absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

}  // namespace teedp::dra
