#include "dra/claim_preparer.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"
#include "common/bounded_read.h"
#include "common/errno_text.h"
#include "common/parallel_for.h"
#include "kubeapi/quantity.h"

namespace teedp::dra {
namespace {

// A checkpoint of thousands of claims stays far below this.
constexpr size_t kMaxCheckpointBytes = size_t{16} << 20;

// Claims of one request read at once: as many as the API client keeps idle connections, so the
// next request finds each of them open.
constexpr size_t kParallelReads = 4;

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

absl::StatusOr<resources::PreparedClaim> ClaimPreparer::ReadAndPlan(
    const resources::ClaimRef& claim) const {
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
  return resources::PrepareClaimDevices(claim, read->results, options_.node_name, devices_());
}

absl::StatusOr<std::vector<resources::PreparedDevice>> ClaimPreparer::Prepare(
    const resources::ClaimRef& claim) {
  return std::move(PrepareAll({claim})[0]);
}

std::vector<absl::StatusOr<std::vector<resources::PreparedDevice>>> ClaimPreparer::PrepareAll(
    const std::vector<resources::ClaimRef>& claims) {
  std::vector<absl::StatusOr<std::vector<resources::PreparedDevice>>> answers(
      claims.size(), absl::UnknownError("not prepared"));
  // Read and planned outside the lock (the API server may be slow), each claim the checkpoint
  // lacks; again one that was in the checkpoint then but was unprepared before the lock is held.
  std::vector<std::optional<absl::StatusOr<resources::PreparedClaim>>> planned(claims.size());
  MutexLock lock(&mu_);
  while (true) {
    std::vector<size_t> unplanned;
    for (size_t i = 0; i < claims.size(); ++i) {
      if (!planned[i].has_value() && !checkpoint_.contains(claims[i].uid)) unplanned.push_back(i);
    }
    if (unplanned.empty()) break;  // each pass plans at least one more claim: this ends
    mu_.Unlock();
    // Side by side: a request's GETs would otherwise add up (ten claims, ten round trips).
    ParallelFor(unplanned.size(), kParallelReads,
                [&](size_t k) { planned[unplanned[k]] = ReadAndPlan(claims[unplanned[k]]); });
    mu_.Lock();
  }
  // Written one by one, recorded together: one checkpoint write for the whole request.
  std::vector<size_t> added;
  for (size_t i = 0; i < claims.size(); ++i) {
    const resources::ClaimRef& claim = claims[i];
    // Prepared before, or meanwhile by a concurrent call (or earlier in this request).
    if (auto known = checkpoint_.find(claim.uid); known != checkpoint_.end()) {
      answers[i] = known->second.devices;
      continue;
    }
    if (!planned[i]->ok()) {
      answers[i] = planned[i]->status();
      continue;
    }
    resources::PreparedClaim& prepared = **planned[i];
    const std::string spec_path = absl::StrCat(options_.cdi_dir, "/", prepared.cdi_spec_file);
    if (absl::Status written = WriteFileAtomically(spec_path, prepared.cdi_spec); !written.ok()) {
      answers[i] = written;
      continue;
    }
    checkpoint_[claim.uid] = {.namespace_name = claim.namespace_name,
                              .name = claim.name,
                              .driver = options_.driver,
                              .cdi_spec_file = prepared.cdi_spec_file,
                              .devices = prepared.devices};
    answers[i] = prepared.devices;
    added.push_back(i);
  }
  if (added.empty()) return answers;
  if (absl::Status saved = SaveCheckpoint(); !saved.ok()) {
    std::set<std::string> undone;
    for (size_t i : added) {
      unlink(absl::StrCat(options_.cdi_dir, "/", checkpoint_[claims[i].uid].cdi_spec_file).c_str());
      checkpoint_.erase(claims[i].uid);
      undone.insert(claims[i].uid);
    }
    // Also a claim named twice in the request, whose second answer came from the record.
    for (size_t i = 0; i < claims.size(); ++i) {
      if (undone.contains(claims[i].uid)) answers[i] = saved;
    }
    return answers;
  }
  for (size_t i : added) {
    spdlog::info("prepared ResourceClaim {} ({} device(s), {}/{})", ClaimName(claims[i]),
                 answers[i]->size(), options_.cdi_dir, checkpoint_[claims[i].uid].cdi_spec_file);
  }
  return answers;
}

absl::Status ClaimPreparer::Unprepare(const resources::ClaimRef& claim) {
  return std::move(UnprepareAll({claim})[0]);
}

std::vector<absl::Status> ClaimPreparer::UnprepareAll(
    const std::vector<resources::ClaimRef>& claims) {
  std::vector<absl::Status> answers(claims.size(), absl::OkStatus());
  // Removed from the record together, to be put back together if the record cannot be saved.
  std::map<std::string, PreparedClaimRecord> removed;
  MutexLock lock(&mu_);
  for (size_t i = 0; i < claims.size(); ++i) {
    auto known = checkpoint_.find(claims[i].uid);
    if (known == checkpoint_.end()) continue;  // never prepared, or earlier in this request
    const std::string spec_path = absl::StrCat(options_.cdi_dir, "/", known->second.cdi_spec_file);
    if (unlink(spec_path.c_str()) != 0 && errno != ENOENT) {
      answers[i] = absl::UnavailableError(
          absl::StrCat("cannot remove the CDI spec ", spec_path, ": ", ErrnoText(errno)));
      continue;
    }
    removed.emplace(known->first, std::move(known->second));
    checkpoint_.erase(known);
  }
  if (removed.empty()) return answers;
  if (absl::Status saved = SaveCheckpoint(); !saved.ok()) {
    for (size_t i = 0; i < claims.size(); ++i) {
      if (removed.contains(claims[i].uid)) answers[i] = saved;
    }
    checkpoint_.merge(removed);
    return answers;
  }
  for (const auto& [uid, record] : removed) {
    spdlog::info("unprepared ResourceClaim {}/{}", record.namespace_name, record.name);
  }
  return answers;
}

size_t ClaimPreparer::PreparedCount() const {
  MutexLock lock(&mu_);
  return checkpoint_.size();
}

std::map<std::tuple<std::string, std::string, std::string>, uint64_t>
ClaimPreparer::ConsumedByClaim(std::string_view capacity) const {
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> consumed;
  MutexLock lock(&mu_);
  for (const auto& [uid, record] : checkpoint_) {
    for (const resources::PreparedDevice& device : record.devices) {
      auto quantity = device.consumed_capacity.find(std::string(capacity));
      if (quantity == device.consumed_capacity.end()) continue;
      consumed[{record.namespace_name, record.name, device.device}] +=
          kubeapi::QuantityToInteger(quantity->second).value_or(0);
    }
  }
  return consumed;
}

std::map<std::string, uint64_t> ClaimPreparer::ConsumedCapacity(std::string_view capacity) const {
  std::map<std::string, uint64_t> consumed;
  for (const auto& [claim, bytes] : ConsumedByClaim(capacity))
    consumed[std::get<2>(claim)] += bytes;
  return consumed;
}

absl::Status ClaimPreparer::SaveCheckpoint() {
  return WriteFileAtomically(options_.checkpoint_path, SerializeCheckpoint(checkpoint_));
}

}  // namespace teedp::dra
