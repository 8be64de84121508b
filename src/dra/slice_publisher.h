// Provides SlicePublisher: keeps one DRA driver's ResourceSlices for this node on the API server
// equal to its devices. Each Publish lists the driver's slices of the node (the kubelet deletes
// them when it starts and 30 s after the driver left, so nothing is assumed from earlier calls),
// then creates, updates and deletes what ReconcileSlices says. Withdraw deletes them all (clean
// shutdown). Thread safety: call from one thread at a time.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "dra/resource_slices.h"
#include "kubeapi/api_server_client.h"
#include "resources/dra_devices.h"

namespace teedp::dra {

class SlicePublisher {
 public:
  // `client` must outlive the publisher.
  SlicePublisher(const kubeapi::ApiServerClient* client, std::string node_name);

  // Errors name the call that failed and what to fix (kubeapi::StatusFromApiAnswer): RBAC on
  // resourceslices or nodes, the Node missing, the API server unreachable. The Node's uid (the
  // slices' owner) is read on the first call that succeeds in reading it.
  absl::Status Publish(const resources::DraDriverDevices& driver);
  absl::Status Withdraw(const std::string& driver);

 private:
  absl::Status ReadNodeUid();
  // `verb` and `resource` (RBAC) name what a refusal needs.
  absl::Status Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& verb, const std::string& resource,
                    std::string* answer = nullptr) const;

  const kubeapi::ApiServerClient* client_;
  NodeIdentity node_;
};

}  // namespace teedp::dra
