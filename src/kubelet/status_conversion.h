// Provides the one conversion from the domain's absl::Status to the grpc::Status the kubelet sees.
// Thread safety: a pure function.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace teedp::kubelet {

// Same code and message; codes map one to one (both follow google.rpc.Code).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace teedp::kubelet
