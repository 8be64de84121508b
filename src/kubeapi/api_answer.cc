// HTTP answers from the API server, turned into Status values that say what to fix.
#include "kubeapi/api_answer.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace teedp::kubeapi {
namespace {

// Control bytes would break log lines; the API server's own messages never need them.
std::string Printable(std::string_view text) {
  std::string out;
  const size_t keep = std::min(text.size(), kMaxApiMessage);
  out.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  }
  if (text.size() > kMaxApiMessage) out.replace(kMaxApiMessage - 3, 3, "...");
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

// The "message" member of a Kubernetes Status object, if the body is one.
std::optional<std::string> StatusObjectMessage(std::string_view body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  const auto message = json.find("message");
  if (message == json.end() || !message->is_string()) return std::nullopt;
  return message->get<std::string>();
}

std::string Describe(int http_status, std::string_view body, const ApiCallContext& context) {
  const std::string of_node =
      context.node_name.empty() ? "" : absl::StrCat(" of node \"", context.node_name, "\"");
  return absl::StrCat("API server ", context.url, " answered ", http_status, " to ", context.verb,
                      " ", context.resource, of_node, ": ", ApiErrorMessage(body));
}

}  // namespace

std::string ApiErrorMessage(std::string_view body) {
  std::string message = Printable(StatusObjectMessage(body).value_or(std::string(body)));
  return message.empty() ? "(empty answer)" : message;
}

absl::Status StatusFromApiAnswer(int http_status, std::string_view body,
                                 const ApiCallContext& context) {
  if (http_status >= 200 && http_status < 300) return absl::OkStatus();
  const std::string what = Describe(http_status, body, context);
  switch (http_status) {
    case 401:
      return absl::UnauthenticatedError(absl::StrCat(
          what, "; the service account token from ", context.token_file,
          " was refused (is automountServiceAccountToken true and the token current?)"));
    case 403:
      return absl::PermissionDeniedError(
          absl::StrCat(what, "; the plugin's ServiceAccount needs RBAC verb \"", context.verb,
                       "\" on resource \"", context.resource, "\" (see deploy/components/",
                       context.rbac_component, ")"));
    case 404:
      if (context.node_name.empty()) {
        return absl::NotFoundError(absl::StrCat(what, "; no ", context.object));
      }
      return absl::NotFoundError(
          absl::StrCat(what, "; no node \"", context.node_name,
                       "\" (is NODE_NAME set from the downward API's spec.nodeName?)"));
    case 409:
    case 422:
      return absl::FailedPreconditionError(what);
    default:
      break;
  }
  if (http_status == 429 || (http_status >= 500 && http_status < 600)) {
    return absl::UnavailableError(what);
  }
  return absl::UnknownError(what);
}

}  // namespace teedp::kubeapi
