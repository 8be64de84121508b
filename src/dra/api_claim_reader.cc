#include "dra/api_claim_reader.h"

#include "absl/strings/str_cat.h"
#include "common/kubernetes_names.h"
#include "kubeapi/api_answer.h"

namespace teedp::dra {

ClaimReader ApiClaimReader(const kubeapi::ApiServerClient* client) {
  return [client](const resources::ClaimRef& claim) -> absl::StatusOr<ResourceClaim> {
    // Both go into the URL path: only names Kubernetes itself allows.
    if (DnsLabelFault(claim.namespace_name) != NameFault::kNone ||
        DnsSubdomainFault(claim.name) != NameFault::kNone) {
      return absl::InvalidArgumentError(absl::StrCat("\"", claim.namespace_name.substr(0, 64), "/",
                                                     claim.name.substr(0, 253),
                                                     "\" is not a namespace and claim name"));
    }
    const std::string path = absl::StrCat("/apis/resource.k8s.io/v1/namespaces/",
                                          claim.namespace_name, "/resourceclaims/", claim.name);
    absl::StatusOr<kubeapi::ApiAnswer> answer = client->Send({.method = "GET", .path = path});
    if (!answer.ok()) return answer.status();
    const kubeapi::ApiCallContext context{
        .verb = "get",
        .resource = "resourceclaims",
        .node_name = "",
        .url = client->config().endpoint.Url(),
        .token_file = client->config().token_file,
        .object = absl::StrCat("ResourceClaim ", claim.namespace_name, "/", claim.name),
        .rbac_component = "dra"};
    if (absl::Status status =
            kubeapi::StatusFromApiAnswer(answer->http_status, answer->body, context);
        !status.ok()) {
      return status;
    }
    return ParseResourceClaim(answer->body);
  };
}

}  // namespace teedp::dra
