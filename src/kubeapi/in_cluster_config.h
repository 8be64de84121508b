// Provides LoadInClusterConfig and NodeNameFromEnvironment: where the Kubernetes API server is,
// how the plugin's pod authenticates to it and which Node the pod runs on, read from the pod's own
// service-account files and environment (not from --host-root: these are the container's files).
// Every source is injectable for tests.
// Thread safety: pure functions over their arguments; the default EnvironmentLookup reads the
// process environment and must not race with setenv.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace teedp::kubeapi {

// Where the kubelet mounts a pod's service-account token and the cluster's CA.
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";
inline constexpr char kNodeNameVariable[] = "NODE_NAME";

// Returns the value of an environment variable, nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup ProcessEnvironment();

// Host and port of the API server. `host` is a name, an IPv4 address or a bare IPv6 address.
struct ApiServerEndpoint {
  std::string host;
  int port = 0;

  // "https://10.96.0.1:443", "https://[fd00::1]:443".
  std::string Url() const;
  // The authority for the Host header: the host (bracketed if IPv6) and port.
  std::string Authority() const;
};

struct ApiServerConfig {
  ApiServerEndpoint endpoint;
  std::string token_file;  // re-read for every request: the kubelet rotates projected tokens
  std::string ca_file;     // the only trust anchor for the API server's certificate
};

// Made by FromServiceAccountDir, the one place that knows the mount's file names.
struct InClusterSources {
  std::string token_file;
  std::string ca_file;
  EnvironmentLookup environment = ProcessEnvironment();

  // The token and ca.crt in `service_account_dir` (kServiceAccountDir in a pod), and the process
  // environment.
  static InClusterSources FromServiceAccountDir(const std::string& service_account_dir);
};

// Reads KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT and checks that the token and CA files
// are usable. Errors: FailedPrecondition "not running in a cluster: KUBERNETES_SERVICE_HOST is
// not set" (or _PORT); InvalidArgument for a host or port common/host_port.h refuses (a port
// must be 1 to 65535 in digits; the host may be a bare IPv6 address); the errors of
// ReadBearerToken and CheckCaFile.
absl::StatusOr<ApiServerConfig> LoadInClusterConfig(const InClusterSources& sources);

// The token in `token_file` without surrounding whitespace. Errors: "cannot read token <path>:
// <reason>" as NotFound, PermissionDenied or FailedPrecondition (common/bounded_read.h),
// OutOfRange when larger than 64 KiB, InvalidArgument when it is empty or holds bytes that cannot
// go in an HTTP header.
absl::StatusOr<std::string> ReadBearerToken(const std::string& token_file);

// OK when `ca_file` is readable and holds at least one PEM certificate. Errors: "cannot read CA
// file <path>: <reason>" as for the token, OutOfRange above 1 MiB, InvalidArgument when it holds
// no certificate.
absl::Status CheckCaFile(const std::string& ca_file);

// The node name from `variable` (the downward API's spec.nodeName). Errors: FailedPrecondition
// when unset or empty (says how to set it), InvalidArgument when it is not a lowercase RFC 1123
// subdomain, as every Node name is.
absl::StatusOr<std::string> NodeNameFromEnvironment(
    const EnvironmentLookup& environment, const std::string& variable = kNodeNameVariable);

}  // namespace teedp::kubeapi
