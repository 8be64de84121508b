#include "dra/dra_plugin_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

resources::ClaimRef RefOf(const drapb::Claim& claim) {
  return {claim.namespace_(), claim.name(), claim.uid()};
}

// The kubelet keys answers by uid: a claim without one cannot be answered.
grpc::Status CheckUids(const google::protobuf::RepeatedPtrField<drapb::Claim>& claims) {
  for (const drapb::Claim& claim : claims) {
    if (claim.uid().empty()) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("claim ", claim.namespace_(), "/", claim.name(), " has no uid")};
    }
  }
  return grpc::Status::OK;
}

// Records the call's duration when it ends, whichever way it returns.
class CallTimer {
 public:
  CallTimer(ClaimCounters* counters, ClaimCall call)
      : counters_(counters), call_(call), started_(std::chrono::steady_clock::now()) {}
  ~CallTimer() { counters_->RecordCall(call_, std::chrono::steady_clock::now() - started_); }
  CallTimer(const CallTimer&) = delete;
  CallTimer& operator=(const CallTimer&) = delete;

 private:
  ClaimCounters* counters_;
  ClaimCall call_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

grpc::Status PrepareClaims(ClaimPreparer* preparer, ClaimCounters* counters,
                           const drapb::NodePrepareResourcesRequest& request,
                           drapb::NodePrepareResourcesResponse* response) {
  const CallTimer timer(counters, ClaimCall::kPrepare);
  if (grpc::Status invalid = CheckUids(request.claims()); !invalid.ok()) return invalid;
  std::vector<resources::ClaimRef> claims;
  claims.reserve(request.claims_size());
  for (const drapb::Claim& claim : request.claims()) claims.push_back(RefOf(claim));
  std::vector<absl::StatusOr<std::vector<resources::PreparedDevice>>> prepared =
      preparer->PrepareAll(claims);
  for (size_t i = 0; i < claims.size(); ++i) {
    drapb::NodePrepareResourceResponse& answer = (*response->mutable_claims())[claims[i].uid];
    const absl::StatusOr<std::vector<resources::PreparedDevice>>& devices = prepared[i];
    counters->RecordClaim(ClaimCall::kPrepare, devices.ok());
    if (!devices.ok()) {
      answer.set_error(std::string(devices.status().message()));
      continue;
    }
    for (const resources::PreparedDevice& one : *devices) {
      drapb::Device* device = answer.add_devices();
      for (const std::string& request_name : one.request_names) {
        device->add_request_names(request_name);
      }
      device->set_pool_name(one.pool);
      device->set_device_name(one.device);
      device->add_cdi_device_ids(one.cdi_device_id);
      // The kubelet keeps it only from this answer (it reports it in PodResources).
      if (!one.share_id.empty()) device->set_share_id(one.share_id);
    }
  }
  return grpc::Status::OK;
}

grpc::Status UnprepareClaims(ClaimPreparer* preparer, ClaimCounters* counters,
                             const drapb::NodeUnprepareResourcesRequest& request,
                             drapb::NodeUnprepareResourcesResponse* response) {
  const CallTimer timer(counters, ClaimCall::kUnprepare);
  if (grpc::Status invalid = CheckUids(request.claims()); !invalid.ok()) return invalid;
  for (const drapb::Claim& claim : request.claims()) {
    drapb::NodeUnprepareResourceResponse& answer = (*response->mutable_claims())[claim.uid()];
    absl::Status status = preparer->Unprepare(RefOf(claim));
    counters->RecordClaim(ClaimCall::kUnprepare, status.ok());
    if (!status.ok()) {
      answer.set_error(std::string(status.message()));
    }
  }
  return grpc::Status::OK;
}

}  // namespace teedp::dra
