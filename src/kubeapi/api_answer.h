// Provides ApiErrorMessage and StatusFromApiAnswer: what an API server's HTTP answer means for the
// caller, as an absl::Status whose message says what to fix (RBAC, node name, token).
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace teedp::kubeapi {

// What a call was, for error messages.
struct ApiCallContext {
  std::string verb;                       // the RBAC verb: "get", "patch"
  std::string resource = "nodes/status";  // the RBAC resource
  std::string node_name;                  // for calls about the Node; "" otherwise
  std::string url;                        // the API server's base URL
  std::string token_file;                 // where the bearer token came from
  std::string object = {};                // for calls about another object: what was asked for
  // The deploy/components folder that grants the RBAC.
  std::string rbac_component = "register-epc";
};

// The human part of an error answer: the "message" of a Kubernetes Status object when the body is
// one, else the body itself; control characters become spaces and the result is at most
// kMaxApiMessage bytes (longer text ends in "..."). "(empty answer)" for an empty body.
inline constexpr size_t kMaxApiMessage = 400;
std::string ApiErrorMessage(std::string_view body);

// OK for a 2xx answer. Otherwise, with the API server's message appended:
//   401 -> Unauthenticated (the token was refused: names the token file),
//   403 -> PermissionDenied (names the RBAC verb and resource the ServiceAccount needs),
//   404 -> NotFound (names the node, or the object),
//   409, 422 -> FailedPrecondition (the API server refused the change itself),
//   429, 5xx -> Unavailable (worth retrying later),
//   anything else -> Unknown with the code.
absl::Status StatusFromApiAnswer(int http_status, std::string_view body,
                                 const ApiCallContext& context);

}  // namespace teedp::kubeapi
