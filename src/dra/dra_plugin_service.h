// Provides the DRAPlugin gRPC services (v1 and v1beta1, which take the same messages) over a
// ClaimPreparer: every claim of a request gets an entry in the answer, its devices or an error
// string; only a request the kubelet could not have sent (a claim without a uid) fails the whole
// call.
// Thread safety: gRPC calls the handlers from its threads; ClaimPreparer is thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include "dra/claim_counters.h"
#include "dra/claim_preparer.h"
#include "dra/v1/api.grpc.pb.h"
#include "dra/v1beta1/api.grpc.pb.h"

namespace teedp::dra {

namespace drapb = k8s::io::kubelet::pkg::apis::dra::v1;

// What both versions answer; each claim's outcome and the call's duration go to `counters`.
grpc::Status PrepareClaims(ClaimPreparer* preparer, ClaimCounters* counters,
                           const drapb::NodePrepareResourcesRequest& request,
                           drapb::NodePrepareResourcesResponse* response);
grpc::Status UnprepareClaims(ClaimPreparer* preparer, ClaimCounters* counters,
                             const drapb::NodeUnprepareResourcesRequest& request,
                             drapb::NodeUnprepareResourcesResponse* response);

// `Api` is the generated DRAPlugin class of one version.
template <typename Api>
class DraPluginService final : public Api::Service {
 public:
  DraPluginService(ClaimPreparer* preparer, ClaimCounters* counters)
      : preparer_(preparer), counters_(counters) {}
  grpc::Status NodePrepareResources(grpc::ServerContext* /*context*/,
                                    const drapb::NodePrepareResourcesRequest* request,
                                    drapb::NodePrepareResourcesResponse* response) override {
    return PrepareClaims(preparer_, counters_, *request, response);
  }
  grpc::Status NodeUnprepareResources(grpc::ServerContext* /*context*/,
                                      const drapb::NodeUnprepareResourcesRequest* request,
                                      drapb::NodeUnprepareResourcesResponse* response) override {
    return UnprepareClaims(preparer_, counters_, *request, response);
  }

 private:
  ClaimPreparer* preparer_;
  ClaimCounters* counters_;
};

using DraPluginV1 = DraPluginService<k8s::io::kubelet::pkg::apis::dra::v1::DRAPlugin>;
using DraPluginV1beta1 = DraPluginService<k8s::io::kubelet::pkg::apis::dra::v1beta1::DRAPlugin>;

}  // namespace teedp::dra
