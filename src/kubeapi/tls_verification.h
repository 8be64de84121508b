// Provides RequireVerifiedPeer and TakeVerifyError: OpenSSL itself verifies the API server during
// the TLS handshake (chain to the one CA file, and the certificate's name or IP against the host),
// and the reason of a rejection is kept for the error message. cpp-httplib's own check is left off
// on purpose: Debian's 0.11.4 compares IP subjectAltNames with a fixed length (an over-read with
// an IPv6 host and IPv4 entries, found by ASan, and uninitialised bytes for IPv4 hosts).
// Thread safety: RequireVerifiedPeer configures one SSL_CTX before use; the recorded reason is
// per thread (the handshake runs on the calling thread).
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "absl/status/status.h"

namespace teedp::kubeapi {

// Makes `context` trust only the certificates in `ca_file` (no system store), require a peer
// certificate that chains to them, and require it to name `host` (an IPv4/IPv6 address is matched
// against IP subjectAltNames, a name against DNS ones). Errors: FailedPrecondition naming the CA
// file when it cannot be loaded, InvalidArgument when the host cannot be set.
absl::Status RequireVerifiedPeer(SSL_CTX* context, const std::string& ca_file,
                                 const std::string& host);

// The first X509_V_ERR_* the handshake on this thread recorded since the last call, or X509_V_OK;
// resets the record.
int TakeVerifyError();

}  // namespace teedp::kubeapi
