#include "dra/dra_plugin_service.h"

#include "absl/strings/str_cat.h"

namespace teedp::dra {
namespace {

namespace v1 = k8s::io::kubelet::pkg::apis::dra::v1;
namespace v1beta1 = k8s::io::kubelet::pkg::apis::dra::v1beta1;

template <typename Claim>
resources::ClaimRef RefOf(const Claim& claim) {
  return {claim.namespace_(), claim.name(), claim.uid()};
}

// The kubelet keys answers by uid: a claim without one cannot be answered.
template <typename Request>
grpc::Status CheckUids(const Request& request) {
  for (const auto& claim : request.claims()) {
    if (claim.uid().empty()) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("claim ", claim.namespace_(), "/", claim.name(), " has no uid")};
    }
  }
  return grpc::Status::OK;
}

// Templated over the two API versions, whose messages are the same.
template <typename Request, typename Response>
grpc::Status PrepareAll(ClaimPreparer* preparer, const Request& request, Response* response) {
  if (grpc::Status invalid = CheckUids(request); !invalid.ok()) return invalid;
  for (const auto& claim : request.claims()) {
    auto& answer = (*response->mutable_claims())[claim.uid()];
    absl::StatusOr<std::vector<resources::PreparedDevice>> devices =
        preparer->Prepare(RefOf(claim));
    if (!devices.ok()) {
      answer.set_error(std::string(devices.status().message()));
      continue;
    }
    for (const resources::PreparedDevice& prepared : *devices) {
      auto* device = answer.add_devices();
      for (const std::string& request_name : prepared.request_names) {
        device->add_request_names(request_name);
      }
      device->set_pool_name(prepared.pool);
      device->set_device_name(prepared.device);
      device->add_cdi_device_ids(prepared.cdi_device_id);
    }
  }
  return grpc::Status::OK;
}

template <typename Request, typename Response>
grpc::Status UnprepareAll(ClaimPreparer* preparer, const Request& request, Response* response) {
  if (grpc::Status invalid = CheckUids(request); !invalid.ok()) return invalid;
  for (const auto& claim : request.claims()) {
    auto& answer = (*response->mutable_claims())[claim.uid()];
    if (absl::Status status = preparer->Unprepare(RefOf(claim)); !status.ok()) {
      answer.set_error(std::string(status.message()));
    }
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status DraPluginV1::NodePrepareResources(grpc::ServerContext* /*context*/,
                                               const v1::NodePrepareResourcesRequest* request,
                                               v1::NodePrepareResourcesResponse* response) {
  return PrepareAll(preparer_, *request, response);
}

grpc::Status DraPluginV1::NodeUnprepareResources(grpc::ServerContext* /*context*/,
                                                 const v1::NodeUnprepareResourcesRequest* request,
                                                 v1::NodeUnprepareResourcesResponse* response) {
  return UnprepareAll(preparer_, *request, response);
}

grpc::Status DraPluginV1beta1::NodePrepareResources(
    grpc::ServerContext* /*context*/, const v1beta1::NodePrepareResourcesRequest* request,
    v1beta1::NodePrepareResourcesResponse* response) {
  return PrepareAll(preparer_, *request, response);
}

grpc::Status DraPluginV1beta1::NodeUnprepareResources(
    grpc::ServerContext* /*context*/, const v1beta1::NodeUnprepareResourcesRequest* request,
    v1beta1::NodeUnprepareResourcesResponse* response) {
  return UnprepareAll(preparer_, *request, response);
}

}  // namespace teedp::dra
