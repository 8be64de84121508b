// Provides the checks the kubelet applies to a RegisterRequest and the unix socket addressing
// shared by the emulator and its CLI.
// Thread safety: pure functions, safe from any thread.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "deviceplugin/v1beta1/api.pb.h"

namespace teedp::emulator {

inline constexpr char kSupportedVersion[] = "v1beta1";
inline constexpr char kKubeletSocketName[] = "kubelet.sock";
inline constexpr char kCheckpointName[] = "kubelet_internal_checkpoint";
// sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
inline constexpr size_t kMaxUnixSocketPathBytes = 107;

// OK when `name` is an extended resource name the kubelet accepts: "<domain>/<name>" with a DNS
// subdomain outside kubernetes.io and a qualified name part. InvalidArgument naming it otherwise.
absl::Status ValidateExtendedResourceName(absl::string_view name);

// OK when `endpoint` is a plain socket file name inside the plugin directory. InvalidArgument
// otherwise (empty, "." or "..", contains '/', or is the kubelet's own socket).
absl::Status ValidateEndpoint(absl::string_view endpoint);

// All Register checks in the kubelet's order: version, resource name, endpoint.
absl::Status ValidateRegisterRequest(const v1beta1::RegisterRequest& request);

// "unix:<path>" for gRPC. `path` must be absolute; InvalidArgument when it is not or when it is
// longer than kMaxUnixSocketPathBytes (the kernel would truncate it).
absl::StatusOr<std::string> UnixSocketAddress(const std::string& path);

}  // namespace teedp::emulator
