#include "dra/claim_preparer.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"
#include "common/bounded_read.h"
#include "common/errno_text.h"
#include "kubeapi/quantity.h"

namespace teedp::dra {
namespace {

// A checkpoint of thousands of claims stays far below this.
constexpr size_t kMaxCheckpointBytes = size_t{16} << 20;

std::string ClaimName(const resources::ClaimRef& claim) {
  return absl::StrCat(claim.namespace_name, "/", claim.name);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ClaimPreparer>> ClaimPreparer::Create(Options options,
                                                                     ClaimReader read_claim,
                                                                     DeviceSource devices) {
  Checkpoint checkpoint;
  absl::StatusOr<std::string> text =
      ReadFileAtMost(options.checkpoint_path, kMaxCheckpointBytes, options.checkpoint_path);
  if (text.ok()) {
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(*text);
    if (parsed.ok()) {
      checkpoint = *std::move(parsed);
    } else {
      const std::string aside = options.checkpoint_path + ".corrupt";
      spdlog::error("{}: {}; moved to {}, starting with no prepared claims",
                    options.checkpoint_path, parsed.status().ToString(), aside);
      if (std::rename(options.checkpoint_path.c_str(), aside.c_str()) != 0) {
        return absl::UnavailableError(absl::StrCat("cannot move the unreadable checkpoint ",
                                                   options.checkpoint_path,
                                                   " aside: ", ErrnoText(errno)));
      }
    }
  } else if (!absl::IsNotFound(text.status())) {
    return text.status();
  }
  return std::unique_ptr<ClaimPreparer>(new ClaimPreparer(
      std::move(options), std::move(read_claim), std::move(devices), std::move(checkpoint)));
}

ClaimPreparer::ClaimPreparer(Options options, ClaimReader read_claim, DeviceSource devices,
                             Checkpoint checkpoint)
    : options_(std::move(options)),
      read_claim_(std::move(read_claim)),
      devices_(std::move(devices)),
      checkpoint_(std::move(checkpoint)) {}

absl::StatusOr<std::vector<resources::PreparedDevice>> ClaimPreparer::Prepare(
    const resources::ClaimRef& claim) {
  {
    MutexLock lock(&mu_);
    auto known = checkpoint_.find(claim.uid);
    if (known != checkpoint_.end()) return known->second.devices;
  }
  absl::StatusOr<ResourceClaim> read = read_claim_(claim);
  if (!read.ok()) {
    const std::string message =
        absl::StrCat("cannot read ResourceClaim ", ClaimName(claim), ": ", read.status().message());
    return absl::IsNotFound(read.status()) ? absl::NotFoundError(message)
                                           : absl::UnavailableError(message);
  }
  if (read->uid != claim.uid) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ResourceClaim ", ClaimName(claim), " has uid ", read->uid.substr(0, 64),
        ", not the kubelet's ", claim.uid.substr(0, 64), ": it was deleted and created again"));
  }
  if (!read->allocated) {
    return absl::FailedPreconditionError(
        absl::StrCat("ResourceClaim ", ClaimName(claim), " is not allocated"));
  }
  absl::StatusOr<resources::PreparedClaim> prepared =
      resources::PrepareClaimDevices(claim, read->results, options_.node_name, devices_());
  if (!prepared.ok()) return prepared.status();

  MutexLock lock(&mu_);
  auto known = checkpoint_.find(claim.uid);  // prepared meanwhile by a concurrent call
  if (known != checkpoint_.end()) return known->second.devices;
  const std::string spec_path = absl::StrCat(options_.cdi_dir, "/", prepared->cdi_spec_file);
  if (absl::Status written = WriteFileAtomically(spec_path, prepared->cdi_spec); !written.ok()) {
    return written;
  }
  checkpoint_[claim.uid] = {.namespace_name = claim.namespace_name,
                            .name = claim.name,
                            .driver = options_.driver,
                            .cdi_spec_file = prepared->cdi_spec_file,
                            .devices = prepared->devices};
  if (absl::Status saved = SaveCheckpoint(); !saved.ok()) {
    checkpoint_.erase(claim.uid);
    unlink(spec_path.c_str());
    return saved;
  }
  spdlog::info("prepared ResourceClaim {} ({} device(s), {})", ClaimName(claim),
               prepared->devices.size(), spec_path);
  return std::move(prepared->devices);
}

absl::Status ClaimPreparer::Unprepare(const resources::ClaimRef& claim) {
  MutexLock lock(&mu_);
  auto known = checkpoint_.find(claim.uid);
  if (known == checkpoint_.end()) return absl::OkStatus();
  const std::string spec_path = absl::StrCat(options_.cdi_dir, "/", known->second.cdi_spec_file);
  if (unlink(spec_path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("cannot remove the CDI spec ", spec_path, ": ", ErrnoText(errno)));
  }
  PreparedClaimRecord removed = std::move(known->second);
  checkpoint_.erase(known);
  if (absl::Status saved = SaveCheckpoint(); !saved.ok()) {
    checkpoint_.emplace(claim.uid, std::move(removed));
    return saved;
  }
  spdlog::info("unprepared ResourceClaim {}", ClaimName(claim));
  return absl::OkStatus();
}

size_t ClaimPreparer::PreparedCount() const {
  MutexLock lock(&mu_);
  return checkpoint_.size();
}

std::map<std::string, uint64_t> ClaimPreparer::ConsumedCapacity(std::string_view capacity) const {
  std::map<std::string, uint64_t> consumed;
  MutexLock lock(&mu_);
  for (const auto& [uid, record] : checkpoint_) {
    for (const resources::PreparedDevice& device : record.devices) {
      auto quantity = device.consumed_capacity.find(std::string(capacity));
      if (quantity == device.consumed_capacity.end()) continue;
      consumed[device.device] += kubeapi::QuantityToInteger(quantity->second).value_or(0);
    }
  }
  return consumed;
}

absl::Status ClaimPreparer::SaveCheckpoint() {
  return WriteFileAtomically(options_.checkpoint_path, SerializeCheckpoint(checkpoint_));
}

}  // namespace teedp::dra
