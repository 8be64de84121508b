#include "dra/dra_plugin_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace teedp::dra {
namespace {

std::vector<resources::ClaimRef> RefsOf(
    const google::protobuf::RepeatedPtrField<drapb::Claim>& claims) {
  std::vector<resources::ClaimRef> refs;
  refs.reserve(claims.size());
  for (const drapb::Claim& claim : claims) {
    refs.push_back({claim.namespace_(), claim.name(), claim.uid()});
  }
  return refs;
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

// Records the call's duration when it ends, whichever way it returns, and logs it: one line per
// kubelet call, so a slow prepare (an API server far away, a slow disk) shows in the log.
class CallTimer {
 public:
  CallTimer(ClaimCounters* counters, ClaimCall call, int claims)
      : counters_(counters),
        call_(call),
        claims_(claims),
        started_(std::chrono::steady_clock::now()) {}
  ~CallTimer() {
    const std::chrono::nanoseconds elapsed = std::chrono::steady_clock::now() - started_;
    counters_->RecordCall(call_, elapsed);
    spdlog::info("{} of {} claim(s) answered in {:.3f} ms", ClaimCallName(call_), claims_,
                 std::chrono::duration<double, std::milli>(elapsed).count());
  }
  CallTimer(const CallTimer&) = delete;
  CallTimer& operator=(const CallTimer&) = delete;

 private:
  ClaimCounters* counters_;
  ClaimCall call_;
  int claims_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

grpc::Status PrepareClaims(ClaimPreparer* preparer, ClaimCounters* counters,
                           const drapb::NodePrepareResourcesRequest& request,
                           drapb::NodePrepareResourcesResponse* response) {
  const CallTimer timer(counters, ClaimCall::kPrepare, request.claims_size());
  if (grpc::Status invalid = CheckUids(request.claims()); !invalid.ok()) return invalid;
  const std::vector<resources::ClaimRef> claims = RefsOf(request.claims());
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
  const CallTimer timer(counters, ClaimCall::kUnprepare, request.claims_size());
  if (grpc::Status invalid = CheckUids(request.claims()); !invalid.ok()) return invalid;
  const std::vector<resources::ClaimRef> claims = RefsOf(request.claims());
  const std::vector<absl::Status> unprepared = preparer->UnprepareAll(claims);
  for (size_t i = 0; i < claims.size(); ++i) {
    drapb::NodeUnprepareResourceResponse& answer = (*response->mutable_claims())[claims[i].uid];
    counters->RecordClaim(ClaimCall::kUnprepare, unprepared[i].ok());
    if (!unprepared[i].ok()) answer.set_error(std::string(unprepared[i].message()));
  }
  return grpc::Status::OK;
}

}  // namespace teedp::dra
