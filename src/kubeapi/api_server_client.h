// Provides ApiServerClient: HTTPS requests to the Kubernetes API server (HTTP/1.1,
// http_exchange.h, over TLS 1.2, tls_stream.h) with the pod's bearer token, the server's
// certificate verified against the configured CA file only (never skipped), every network step
// bounded by a timeout and the answer body bounded in size. Transport failures become Status errors
// that name the address, the CA file or the timeout. Connections are kept alive and reused by later
// requests (a TLS handshake costs more than a small GET); copies of a client share them. Thread
// safety: Send is const and may be called from several threads at once: each call has a connection
// of its own while it runs.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kubeapi/http_exchange.h"
#include "kubeapi/in_cluster_config.h"

namespace teedp::kubeapi {

// Answers larger than this are refused rather than buffered (a Node object is tens of KiB).
inline constexpr size_t kMaxAnswerBytes = size_t{8} << 20;

// Keep-alive connections waiting for the next request (api_server_client.cc).
class IdleConnections;

class ApiServerClient {
 public:
  // `timeout` bounds the TCP connect, the TLS handshake, and each read and write.
  explicit ApiServerClient(ApiServerConfig config, absl::Duration timeout = absl::Seconds(10));

  // Sends `request` and returns whatever HTTP answer came back (any status code: see
  // StatusFromApiAnswer). The token file is read afresh each time. A GET that fails on a reused
  // connection (the server closed it meanwhile) is sent once more on a new one; other methods
  // are not repeated (their callers retry). Errors, all naming the URL:
  // the errors of ReadBearerToken and CheckCaFile; Unavailable when the server cannot be reached,
  // closes the connection or does not answer within the timeout; FailedPrecondition when its
  // certificate does not verify against the CA file (says why and names the file);
  // ResourceExhausted when the answer exceeds kMaxAnswerBytes.
  absl::StatusOr<ApiAnswer> Send(const ApiRequest& request) const;

  const ApiServerConfig& config() const { return config_; }

 private:
  ApiServerConfig config_;
  absl::Duration timeout_;
  std::shared_ptr<IdleConnections> idle_;
};

}  // namespace teedp::kubeapi
