// HTTPS to the API server through cpp-httplib, with OpenSSL's verdicts turned into messages.
#include "kubeapi/api_server_client.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "common/status_macros.h"
#include "kubeapi/sigpipe_guard.h"
#include "kubeapi/tls_verification.h"

namespace teedp::kubeapi {
namespace {

// httplib takes timeouts as seconds plus microseconds.
template <typename Setter>
void SetTimeout(absl::Duration timeout, Setter&& setter) {
  const int64_t micros = absl::ToInt64Microseconds(timeout);
  setter(static_cast<time_t>(micros / 1000000), static_cast<time_t>(micros % 1000000));
}

absl::Status Configure(httplib::SSLClient& client, const ApiServerConfig& config,
                       absl::Duration timeout) {
  // OpenSSL verifies in the handshake (see tls_verification.h); a failure ends the handshake.
  client.enable_server_certificate_verification(false);
  TEE_RETURN_IF_ERROR(
      RequireVerifiedPeer(client.ssl_context(), config.ca_file, config.endpoint.host));
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_connection_timeout(s, us); });
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_read_timeout(s, us); });
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_write_timeout(s, us); });
  client.set_follow_location(false);  // never send the token elsewhere
  client.set_keep_alive(true);
  // A request's headers and body are two writes: with Nagle's algorithm the body would wait for
  // the server's delayed ACK (40 ms) on a reused connection.
  client.set_tcp_nodelay(true);
  return absl::OkStatus();
}

httplib::Request ToHttplib(const ApiRequest& request, const ApiServerEndpoint& endpoint) {
  httplib::Request http;
  http.method = request.method;
  http.path = request.path;
  http.headers.emplace("Host", endpoint.Authority());  // httplib would not bracket IPv6
  http.headers.emplace("Accept", "application/json");
  http.headers.emplace("User-Agent", "tee-device-plugin");
  if (!request.content_type.empty()) http.headers.emplace("Content-Type", request.content_type);
  http.body = request.body;
  return http;
}

// The reason of the last OpenSSL error in this thread, or "" if none.
std::string LastOpensslReason() {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (code == 0) return "";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "";
}

// What went wrong before any HTTP answer, in words that point at the fix.
struct TransportFailure {
  httplib::Error error;
  int verify_error;  // X509_V_OK unless the handshake rejected the certificate
  bool timed_out;    // the call took the whole timeout: nobody answered
  std::string openssl_reason;
};

absl::Status CertificateError(const TransportFailure& failure, const ApiServerConfig& config) {
  return absl::FailedPreconditionError(absl::StrCat(
      "TLS verification of the API server at ", config.endpoint.Url(), " failed against CA file ",
      config.ca_file, ": ",
      failure.verify_error != X509_V_OK ? X509_verify_cert_error_string(failure.verify_error)
                                        : "certificate rejected"));
}

absl::Status TransportError(const TransportFailure& failure, const ApiServerConfig& config,
                            absl::Duration timeout) {
  const std::string url = config.endpoint.Url();
  const std::string silence = absl::StrCat("no answer within ", absl::FormatDuration(timeout));
  switch (failure.error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return absl::UnavailableError(
          absl::StrCat("cannot connect to the API server at ", url, ": ",
                       failure.timed_out ? silence : "connection refused or host unreachable"));
    case httplib::Error::SSLServerVerification:
      return CertificateError(failure, config);
    case httplib::Error::SSLConnection:
      if (failure.verify_error != X509_V_OK) return CertificateError(failure, config);
      return absl::UnavailableError(absl::StrCat(
          "TLS handshake with the API server at ", url, " failed: ",
          failure.timed_out
              ? silence
              : absl::StrCat("connection closed or not TLS",
                             failure.openssl_reason.empty() ? "" : " (", failure.openssl_reason,
                             failure.openssl_reason.empty() ? "" : ")")));
    case httplib::Error::Read:
    case httplib::Error::Write:
      return absl::UnavailableError(absl::StrCat(
          "the API server at ", url, " ",
          failure.timed_out ? "sent " + silence : "closed the connection before answering"));
    default:
      return absl::UnknownError(absl::StrCat("request to the API server at ", url,
                                             " failed: ", httplib::to_string(failure.error)));
  }
}

// A connection is reused for this long after its creation, so that a CA the pod's mount rotated
// is loaded again; and only while idle for less than this, well within the API server's own idle
// limit (90 s), so that a reused connection is seldom one the server is closing.
constexpr absl::Duration kConnectionLifetime = absl::Minutes(5);
constexpr absl::Duration kIdleLimit = absl::Seconds(30);
// More idle connections than callers at once would only hold sockets open.
constexpr size_t kMaxIdle = 4;

struct Connection {
  std::unique_ptr<httplib::SSLClient> client;
  absl::Time created;
  absl::Time idle_since;
};

}  // namespace

class IdleConnections {
 public:
  // The most recently used connection still fit for use, or none.
  std::optional<Connection> Take(absl::Time now) {
    MutexLock lock(&mu_);
    while (!idle_.empty()) {
      Connection last = std::move(idle_.back());
      idle_.pop_back();
      if (now - last.created < kConnectionLifetime && now - last.idle_since < kIdleLimit) {
        return last;
      }
    }
    return std::nullopt;
  }
  void Give(Connection connection) {
    MutexLock lock(&mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
  }

 private:
  Mutex mu_;
  std::vector<Connection> idle_ ABSL_GUARDED_BY(mu_);
};

namespace {

// A client configured for the API server; it connects on its first request.
absl::StatusOr<Connection> NewConnection(const ApiServerConfig& config, absl::Duration timeout) {
  auto client = std::make_unique<httplib::SSLClient>(config.endpoint.host, config.endpoint.port);
  TEE_RETURN_IF_ERROR(Configure(*client, config, timeout));
  const absl::Time now = absl::Now();
  return Connection{.client = std::move(client), .created = now, .idle_since = now};
}

// One request on one connection, which goes back to `idle` when an answer came. `closed_early`
// tells a failure that came quickly from the transport: on a reused connection, the server
// closing it while idle.
absl::StatusOr<ApiAnswer> SendOn(Connection connection, const ApiRequest& request,
                                 const std::string& token, const ApiServerConfig& config,
                                 absl::Duration timeout, IdleConnections& idle,
                                 bool* closed_early) {
  httplib::SSLClient& client = *connection.client;
  client.set_bearer_token_auth(token);
  httplib::Request http = ToHttplib(request, config.endpoint);
  ApiAnswer answer;
  bool too_large = false;
  http.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    too_large = answer.body.size() + size > kMaxAnswerBytes;
    if (!too_large) answer.body.append(data, size);
    return !too_large;
  };
  httplib::Response response;
  httplib::Error error = httplib::Error::Success;
  ERR_clear_error();
  const absl::Time start = absl::Now();
  bool sent = false;
  {
    ScopedSigpipeBlock sigpipe_block;
    sent = client.send(http, response, error);
  }
  if (too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the API server at ", config.endpoint.Url(), " sent an answer over ",
                     kMaxAnswerBytes, " bytes to ", request.method, " ", request.path));
  }
  if (!sent) {
    const TransportFailure failure{error, TakeVerifyError(), absl::Now() - start >= timeout * 0.9,
                                   LastOpensslReason()};
    *closed_early =
        !failure.timed_out && (error == httplib::Error::Read || error == httplib::Error::Write);
    return TransportError(failure, config, timeout);
  }
  answer.http_status = response.status;
  connection.idle_since = absl::Now();
  idle.Give(std::move(connection));
  return answer;
}

}  // namespace

ApiServerClient::ApiServerClient(ApiServerConfig config, absl::Duration timeout)
    : config_(std::move(config)), timeout_(timeout), idle_(std::make_shared<IdleConnections>()) {}

absl::StatusOr<ApiAnswer> ApiServerClient::Send(const ApiRequest& request) const {
  // What cpp-httplib's header would do before main (the static build leaves it out:
  // cmake/httplib.cmake), done at the first request instead; once only, whichever thread. The
  // error strings name TLS failures in our messages.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
  TEE_ASSIGN_OR_RETURN(const std::string token, ReadBearerToken(config_.token_file));
  TEE_RETURN_IF_ERROR(CheckCaFile(config_.ca_file));
  bool closed_early = false;
  if (std::optional<Connection> reused = idle_->Take(absl::Now()); reused.has_value()) {
    absl::StatusOr<ApiAnswer> answer =
        SendOn(*std::move(reused), request, token, config_, timeout_, *idle_, &closed_early);
    // Only a GET is sent again: another method may have taken effect before the connection broke.
    if (answer.ok() || !closed_early || request.method != "GET") return answer;
  }
  TEE_ASSIGN_OR_RETURN(Connection fresh, NewConnection(config_, timeout_));
  return SendOn(std::move(fresh), request, token, config_, timeout_, *idle_, &closed_early);
}

}  // namespace teedp::kubeapi
