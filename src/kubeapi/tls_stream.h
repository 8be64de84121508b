// Provides TlsStream: a TLS 1.2 connection to the API server (mbedTLS), its certificate verified
// in the handshake against the one CA file and the host (tls_verification.h), never skipped.
// Every step (name lookup aside, connect, handshake, each read and write) is bounded by a
// timeout; writes never raise SIGPIPE.
// Thread safety: one thread at a time per stream (ByteStream's contract).
#pragma once

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"
#include "kubeapi/byte_stream.h"
#include "kubeapi/in_cluster_config.h"

namespace teedp::kubeapi {

class TlsStream final : public ByteStream {
 public:
  // Connects to `endpoint` and completes the handshake. Errors, all naming the URL:
  //   FailedPrecondition "cannot load CA file <path>: <reason>" when mbedTLS cannot read it, and
  //     "TLS verification of the API server at <url> failed against CA file <path>: <why>";
  //   Unavailable "cannot connect to the API server at <url>: <why>" (name lookup, refused,
  //     unreachable, or no answer within `timeout`), and "TLS handshake with the API server at
  //     <url> failed: <why>" (closed, not TLS, no common cipher, or silent for `timeout`).
  static absl::StatusOr<std::unique_ptr<TlsStream>> Connect(const ApiServerEndpoint& endpoint,
                                                            const std::string& ca_file,
                                                            absl::Duration timeout);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // ByteStream: DeadlineExceeded after `timeout` of silence, Aborted when the server reset the
  // connection (or, for Write, had closed it).
  absl::StatusOr<size_t> Read(char* buffer, size_t capacity) override;
  absl::Status Write(std::string_view bytes) override;

 private:
  TlsStream(UniqueFd socket, absl::Duration timeout);
  absl::Status Handshake(const ApiServerEndpoint& endpoint, const std::string& ca_file);
  // What a failed mbedTLS call `result` means, as a ByteStream error.
  absl::Status IoError(int result, const char* doing) const;

  // The BIO mbedTLS reads and writes the socket through (poll-bounded, MSG_NOSIGNAL).
  static int SendToSocket(void* self, const unsigned char* bytes, size_t size);
  static int ReceiveFromSocket(void* self, unsigned char* buffer, size_t size, uint32_t timeout_ms);
  // mbedTLS's per-certificate verify hook: the iPAddress check for hosts given as addresses.
  static int CheckCertificate(void* self, mbedtls_x509_crt* certificate, int depth,
                              uint32_t* flags);

  UniqueFd socket_;
  absl::Duration timeout_;
  std::optional<std::string> address_;  // the host's IP address bytes, when it is one
  mbedtls_x509_crt ca_chain_;
  mbedtls_ssl_config config_;
  mbedtls_ssl_context ssl_;
  // What the BIO last saw, for the error messages.
  bool timed_out_ = false;
  int socket_error_ = 0;  // errno of the last failed send or receive
};

}  // namespace teedp::kubeapi
