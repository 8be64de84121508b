// Provides ApiClaimReader: a ClaimReader that GETs the ResourceClaim from the API server
// (/apis/resource.k8s.io/v1/namespaces/<namespace>/resourceclaims/<name>) with the pod's
// credentials, and reads it with ParseResourceClaim.
// Thread safety: the reader may be called from any thread (ApiServerClient::Send is const).
#pragma once

#include "dra/claim_preparer.h"
#include "kubeapi/api_server_client.h"

namespace teedp::dra {

// `client` must outlive the reader. Errors: InvalidArgument when the namespace is not a DNS label
// or the name not a DNS subdomain (nothing is sent); the client's transport errors; the answer's
// status (NotFound for a claim that is gone, PermissionDenied naming the RBAC verb
// "get resourceclaims"); ParseResourceClaim's errors.
ClaimReader ApiClaimReader(const kubeapi::ApiServerClient* client);

}  // namespace teedp::dra
