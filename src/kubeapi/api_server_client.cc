// HTTPS to the API server through cpp-httplib, with OpenSSL's verdicts turned into messages.
#include "kubeapi/api_server_client.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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
                       absl::Duration timeout, const std::string& token) {
  // OpenSSL verifies in the handshake (see tls_verification.h); a failure ends the handshake.
  client.enable_server_certificate_verification(false);
  TEE_RETURN_IF_ERROR(
      RequireVerifiedPeer(client.ssl_context(), config.ca_file, config.endpoint.host));
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_connection_timeout(s, us); });
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_read_timeout(s, us); });
  SetTimeout(timeout, [&](time_t s, time_t us) { client.set_write_timeout(s, us); });
  client.set_bearer_token_auth(token);
  client.set_follow_location(false);  // never send the token elsewhere
  client.set_keep_alive(false);
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

}  // namespace

ApiServerClient::ApiServerClient(ApiServerConfig config, absl::Duration timeout)
    : config_(std::move(config)), timeout_(timeout) {}

absl::StatusOr<ApiAnswer> ApiServerClient::Send(const ApiRequest& request) const {
  // What cpp-httplib's header would do before main (the static build leaves it out:
  // cmake/httplib.cmake), done at the first request instead; once only, whichever thread. The
  // error strings name TLS failures in our messages.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
  TEE_ASSIGN_OR_RETURN(const std::string token, ReadBearerToken(config_.token_file));
  TEE_RETURN_IF_ERROR(CheckCaFile(config_.ca_file));
  httplib::SSLClient client(config_.endpoint.host, config_.endpoint.port);
  TEE_RETURN_IF_ERROR(Configure(client, config_, timeout_, token));
  httplib::Request http = ToHttplib(request, config_.endpoint);
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
        absl::StrCat("the API server at ", config_.endpoint.Url(), " sent an answer over ",
                     kMaxAnswerBytes, " bytes to ", request.method, " ", request.path));
  }
  if (!sent) {
    const TransportFailure failure{error, TakeVerifyError(), absl::Now() - start >= timeout_ * 0.9,
                                   LastOpensslReason()};
    return TransportError(failure, config_, timeout_);
  }
  answer.http_status = response.status;
  return answer;
}

}  // namespace teedp::kubeapi
