// Provides CapacityPublisher (--register-epc): keeps sgx.intel.com/epc in this Node's status
// capacity through the Kubernetes API. It applies the value at start and again whenever asked
// (the daemon asks after every registration with the kubelet, since a kubelet that re-registers
// its Node can reset extended resources), retrying failures with backoff.
// Thread safety: Request() and the destructor from any thread; the API calls run on the
// publisher's own thread, so a slow API server never holds up the daemon's loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/log_on_change.h"
#include "common/retry_worker.h"
#include "kubeapi/node_capacity_patcher.h"

namespace teedp::kubeapi {

class CapacityPublisher {
 public:
  // Reads the pod's in-cluster config (token and CA from `service_account_dir`) and node name
  // (NODE_NAME). FailedPrecondition naming what is missing when not running in a cluster.
  static absl::StatusOr<std::unique_ptr<CapacityPublisher>> Create(
      std::string resource_name, uint64_t bytes, const std::string& service_account_dir);
  // Publishes with `patcher`; Create uses the in-cluster one. Starts the thread and a first apply.
  CapacityPublisher(std::unique_ptr<NodeCapacityPatcher> patcher, std::string resource_name,
                    uint64_t bytes);
  ~CapacityPublisher();

  // Asks for the capacity to be checked and, if needed, applied again soon.
  void Request();
  // Applications that succeeded (patched or found already right).
  uint64_t applied() const;

 private:
  // One attempt; logs only when the outcome changes from the last attempt's.
  bool ApplyOnce();

  std::unique_ptr<NodeCapacityPatcher> patcher_;
  const std::string resource_name_;
  const uint64_t bytes_;
  LogOnChange failures_;  // only touched by the worker's thread
  RetryWorker worker_;    // last: stopped first, while what its attempts use is still there
};

}  // namespace teedp::kubeapi
