// Peer verification done by OpenSSL in the handshake, with the reason kept for messages.
#include "kubeapi/tls_verification.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/strings/str_cat.h"

namespace teedp::kubeapi {
namespace {

thread_local int recorded_verify_error = X509_V_OK;

// OpenSSL's verify callback: keeps its verdict, records the first reason for a rejection.
int RecordVerifyError(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok == 0 && recorded_verify_error == X509_V_OK) {
    recorded_verify_error = X509_STORE_CTX_get_error(store);
  }
  return preverify_ok;
}

bool IsIpAddress(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string OpensslReason() {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(google-runtime-int): OpenSSL's type
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

absl::Status RequireVerifiedPeer(SSL_CTX* context, const std::string& ca_file,
                                 const std::string& host) {
  if (context == nullptr) return absl::InternalError("no TLS context to configure");
  ERR_clear_error();
  if (SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr) != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load CA file ", ca_file, ": ", OpensslReason()));
  }
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context);
  const int named = IsIpAddress(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (named != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot verify certificates for host \"", host, "\": ", OpensslReason()));
  }
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, &RecordVerifyError);
  recorded_verify_error = X509_V_OK;
  return absl::OkStatus();
}

int TakeVerifyError() {
  const int error = recorded_verify_error;
  recorded_verify_error = X509_V_OK;
  return error;
}

}  // namespace teedp::kubeapi
