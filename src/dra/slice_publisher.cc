#include "dra/slice_publisher.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/kubernetes_names.h"
#include "dra/slice_reconcile.h"
#include "kubeapi/api_answer.h"

namespace teedp::dra {
namespace {

constexpr char kSlices[] = "/apis/resource.k8s.io/v1/resourceslices";
constexpr char kResource[] = "resourceslices";  // the RBAC resource of every call but the Node's

}  // namespace

SlicePublisher::SlicePublisher(const kubeapi::ApiServerClient* client, std::string node_name)
    : client_(client), node_{std::move(node_name), ""} {}

absl::Status SlicePublisher::Send(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& verb,
                                  const std::string& resource, std::string* answer) const {
  absl::StatusOr<kubeapi::ApiAnswer> got =
      client_->Send({.method = method,
                     .path = path,
                     .content_type = body.empty() ? "" : "application/json",
                     .body = body});
  if (!got.ok()) return got.status();
  const kubeapi::ApiCallContext context{.verb = verb,
                                        .resource = resource,
                                        .node_name = resource == "nodes" ? node_.name : "",
                                        .url = client_->config().endpoint.Url(),
                                        .token_file = client_->config().token_file,
                                        .object = absl::StrCat("object at ", path),
                                        .rbac_component = "dra"};
  if (absl::Status status = kubeapi::StatusFromApiAnswer(got->http_status, got->body, context);
      !status.ok()) {
    return status;
  }
  if (answer != nullptr) *answer = std::move(got->body);
  return absl::OkStatus();
}

absl::Status SlicePublisher::ReadNodeUid() {
  if (!node_.uid.empty()) return absl::OkStatus();
  if (DnsSubdomainFault(node_.name) != NameFault::kNone) {  // it goes into URL paths
    return absl::InvalidArgumentError(
        absl::StrCat("node name \"", node_.name.substr(0, 253), "\" is not a DNS subdomain"));
  }
  std::string body;
  if (absl::Status status = Send("GET", "/api/v1/nodes/" + node_.name, "", "get", "nodes", &body);
      !status.ok()) {
    return status;
  }
  const nlohmann::json node = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!node.is_object() || !node.contains("metadata") || !node["metadata"].is_object() ||
      !node["metadata"].contains("uid") || !node["metadata"]["uid"].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the Node ", node_.name, " the API server returned has no metadata.uid"));
  }
  node_.uid = node["metadata"]["uid"].get<std::string>();
  return absl::OkStatus();
}

absl::Status SlicePublisher::Publish(const resources::DraDriverDevices& driver) {
  if (absl::Status status = ReadNodeUid(); !status.ok()) return status;
  // Field selectors the API server supports for ResourceSlices; '=' and ',' are URL-encoded.
  const std::string list_path = absl::StrCat(kSlices, "?fieldSelector=spec.nodeName%3D", node_.name,
                                             "%2Cspec.driver%3D", driver.driver);
  std::string listed_body;
  if (absl::Status status = Send("GET", list_path, "", "list", kResource, &listed_body);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<std::vector<ExistingSlice>> listed = ParseSliceList(listed_body);
  if (!listed.ok()) return listed.status();
  absl::StatusOr<SliceChanges> changes = ReconcileSlices(driver, node_, *listed);
  if (!changes.ok()) return changes.status();
  for (const nlohmann::json& slice : changes->create) {
    if (absl::Status status = Send("POST", kSlices, slice.dump(), "create", kResource);
        !status.ok()) {
      return status;
    }
  }
  for (const nlohmann::json& slice : changes->update) {
    const std::string path =
        absl::StrCat(kSlices, "/", slice["metadata"]["name"].get<std::string>());
    if (absl::Status status = Send("PUT", path, slice.dump(), "update", kResource); !status.ok()) {
      return status;
    }
  }
  for (const std::string& name : changes->remove) {
    if (absl::Status status =
            Send("DELETE", absl::StrCat(kSlices, "/", name), "", "delete", kResource);
        !status.ok()) {
      return status;
    }
  }
  if (!changes->empty()) {
    spdlog::info(
        "published {} device(s) of {} in ResourceSlices ({} created, {} updated, {} "
        "deleted)",
        driver.devices.size(), driver.driver, changes->create.size(), changes->update.size(),
        changes->remove.size());
  }
  return absl::OkStatus();
}

absl::Status SlicePublisher::Withdraw(const std::string& driver) {
  return Publish({.driver = driver, .devices = {}});
}

}  // namespace teedp::dra
