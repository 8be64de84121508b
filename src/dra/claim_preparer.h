// Provides ClaimPreparer, NodePrepareResources and NodeUnprepareResources for one DRA driver
// without the gRPC: each claim is read afresh from the API server, checked (uid, allocation,
// devices of this driver on this node), given one CDI spec file, and recorded in a checkpoint on
// disk before the answer goes out. Prepare and unprepare are idempotent, also across restarts: a
// claim in the checkpoint is answered from it, and unpreparing an unknown claim succeeds.
// Thread safety: Prepare and Unprepare may be called from any thread; the checkpoint and the CDI
// files are changed under one lock, the API server is read outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "common/mutex.h"
#include "dra/claim_checkpoint.h"
#include "dra/resource_claim.h"
#include "resources/claim_preparation.h"
#include "resources/dra_devices.h"

namespace teedp::dra {

// Reads a ResourceClaim by namespace and name (from the API server in production).
using ClaimReader = std::function<absl::StatusOr<ResourceClaim>(const resources::ClaimRef&)>;
// The driver's devices on this node now.
using DeviceSource = std::function<resources::DraDriverDevices()>;

class ClaimPreparer {
 public:
  struct Options {
    std::string driver;
    std::string node_name;
    std::string cdi_dir;          // where the claims' CDI spec files go
    std::string checkpoint_path;  // the checkpoint file; its directory must exist
  };

  // Reads the checkpoint. A missing file is an empty checkpoint. A file that does not parse is
  // renamed to <path>.corrupt (logged, naming why) and the preparer starts empty: the kubelet
  // repeats prepare for every claim it still needs. Errors: the checkpoint cannot be read or
  // renamed (naming the path).
  static absl::StatusOr<std::unique_ptr<ClaimPreparer>> Create(Options options,
                                                               ClaimReader read_claim,
                                                               DeviceSource devices);

  // The claim's prepared devices, or the per-claim error to answer: Unavailable when the claim
  // cannot be read; NotFound when it no longer exists; FailedPrecondition when its uid is not the
  // one the kubelet named (deleted and created again), it is not allocated, or it has no device
  // of this driver here; Unavailable when a file cannot be written.
  absl::StatusOr<std::vector<resources::PreparedDevice>> Prepare(const resources::ClaimRef& claim);
  // Prepare for each claim of one kubelet request, answers in the same order: the new claims are
  // recorded with one checkpoint write (its failure fails each of them, leaving nothing behind).
  std::vector<absl::StatusOr<std::vector<resources::PreparedDevice>>> PrepareAll(
      const std::vector<resources::ClaimRef>& claims);

  // Removes the claim's CDI spec file and its checkpoint entry; OK when it was never prepared.
  // Unavailable, naming the file, when the spec cannot be removed or the checkpoint not saved
  // (the claim then stays recorded, and the kubelet's retry removes it).
  absl::Status Unprepare(const resources::ClaimRef& claim);
  // Unprepare for each claim of one kubelet request, answers in the same order, with one
  // checkpoint write for the whole request (its failure fails each claim it removed).
  std::vector<absl::Status> UnprepareAll(const std::vector<resources::ClaimRef>& claims);

  // Claims in the checkpoint now.
  size_t PreparedCount() const;
  // Per device, the sum of what the prepared claims consume of `capacity` (a quantity that does
  // not read as a whole number counts nothing).
  std::map<std::string, uint64_t> ConsumedCapacity(std::string_view capacity) const;
  // The same per claim: by (namespace, name, device).
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> ConsumedByClaim(
      std::string_view capacity) const;

 private:
  ClaimPreparer(Options options, ClaimReader read_claim, DeviceSource devices,
                Checkpoint checkpoint);
  // Reads the claim and plans its devices and CDI spec; Prepare's per-claim errors.
  absl::StatusOr<resources::PreparedClaim> ReadAndPlan(const resources::ClaimRef& claim) const;
  absl::Status SaveCheckpoint() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  const ClaimReader read_claim_;
  const DeviceSource devices_;
  mutable Mutex mu_;
  Checkpoint checkpoint_ ABSL_GUARDED_BY(mu_);
};

}  // namespace teedp::dra
