// Provides the DRAPlugin gRPC services (v1 and v1beta1, the same messages under two package
// names) over a ClaimPreparer: every claim of a request gets an entry in the answer, its devices
// or an error string; only a request the kubelet could not have sent (a claim without a uid) fails
// the whole call.
// Thread safety: gRPC calls the handlers from its threads; ClaimPreparer is thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include "dra/claim_preparer.h"
#include "dra/v1/api.grpc.pb.h"
#include "dra/v1beta1/api.grpc.pb.h"

namespace teedp::dra {

class DraPluginV1 final : public k8s::io::kubelet::pkg::apis::dra::v1::DRAPlugin::Service {
 public:
  explicit DraPluginV1(ClaimPreparer* preparer) : preparer_(preparer) {}
  grpc::Status NodePrepareResources(
      grpc::ServerContext* context,
      const k8s::io::kubelet::pkg::apis::dra::v1::NodePrepareResourcesRequest* request,
      k8s::io::kubelet::pkg::apis::dra::v1::NodePrepareResourcesResponse* response) override;
  grpc::Status NodeUnprepareResources(
      grpc::ServerContext* context,
      const k8s::io::kubelet::pkg::apis::dra::v1::NodeUnprepareResourcesRequest* request,
      k8s::io::kubelet::pkg::apis::dra::v1::NodeUnprepareResourcesResponse* response) override;

 private:
  ClaimPreparer* preparer_;
};

class DraPluginV1beta1 final
    : public k8s::io::kubelet::pkg::apis::dra::v1beta1::DRAPlugin::Service {
 public:
  explicit DraPluginV1beta1(ClaimPreparer* preparer) : preparer_(preparer) {}
  grpc::Status NodePrepareResources(
      grpc::ServerContext* context,
      const k8s::io::kubelet::pkg::apis::dra::v1beta1::NodePrepareResourcesRequest* request,
      k8s::io::kubelet::pkg::apis::dra::v1beta1::NodePrepareResourcesResponse* response) override;
  grpc::Status NodeUnprepareResources(
      grpc::ServerContext* context,
      const k8s::io::kubelet::pkg::apis::dra::v1beta1::NodeUnprepareResourcesRequest* request,
      k8s::io::kubelet::pkg::apis::dra::v1beta1::NodeUnprepareResourcesResponse* response) override;

 private:
  ClaimPreparer* preparer_;
};

}  // namespace teedp::dra
