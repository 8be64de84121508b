// TLS to the API server over mbedTLS, through a socket BIO of our own: poll bounds every wait
// (mbedTLS's own net layer would block forever on a silent server) and send() passes
// MSG_NOSIGNAL (a write to a closed connection must not kill the daemon).
#include "kubeapi/tls_stream.h"

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <climits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "kubeapi/tls_verification.h"

namespace teedp::kubeapi {
namespace {

std::string MbedtlsText(int result) {
  std::array<char, 200> text{};
  mbedtls_strerror(result, text.data(), text.size());
  return text.data();
}

int Milliseconds(absl::Duration duration) {
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(duration, absl::Milliseconds(1)));
  return static_cast<int>(std::clamp<int64_t>(ms, 0, INT_MAX));
}

// Waits until `fd` is ready for `events`: 1 ready, 0 when `timeout` passed, -1 on error (errno).
int WaitFor(int fd, short events, absl::Duration timeout) {  // NOLINT(google-runtime-int): poll's
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    pollfd watched{.fd = fd, .events = events, .revents = 0};
    const int ready = ::poll(&watched, 1, Milliseconds(deadline - absl::Now()));
    if (ready >= 0 || errno != EINTR) return ready;
  }
}

// mbedTLS's random source: the kernel's, which needs no seeding and no lock.
int RandomBytes(void* /*unused*/, unsigned char* out, size_t size) {
  while (size > 0) {
    const ssize_t got = ::getrandom(out, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return MBEDTLS_ERR_NET_RECV_FAILED;  // any error fails the handshake
    }
    out += got;
    size -= static_cast<size_t>(got);
  }
  return 0;
}

constexpr std::array<mbedtls_ecp_group_id, 5> kCurves = {
    MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1,
    MBEDTLS_ECP_DP_SECP521R1, MBEDTLS_ECP_DP_NONE};

struct AddressesFree {
  void operator()(addrinfo* addresses) const { ::freeaddrinfo(addresses); }
};

// A non-blocking TCP connection to the first of the host's addresses that accepts one.
absl::StatusOr<UniqueFd> ConnectTcp(const ApiServerEndpoint& endpoint, absl::Duration timeout) {
  const std::string failed = absl::StrCat("cannot connect to the API server at ", endpoint.Url());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int lookup =
      ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
  if (lookup != 0) {
    return absl::UnavailableError(
        absl::StrCat(failed, ": cannot resolve ", endpoint.host, ": ", ::gai_strerror(lookup)));
  }
  const std::unique_ptr<addrinfo, AddressesFree> addresses(found);
  const absl::Time deadline = absl::Now() + timeout;
  std::string why = "no address";
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    UniqueFd socket(::socket(address->ai_family,
                             address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                             address->ai_protocol));
    if (!socket.valid()) {
      why = ErrnoText(errno);
      continue;
    }
    if (::connect(socket.get(), address->ai_addr, address->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        why = ErrnoText(errno);
        continue;
      }
      const int ready = WaitFor(socket.get(), POLLOUT, deadline - absl::Now());
      if (ready == 0) {
        why = absl::StrCat("no answer within ", absl::FormatDuration(timeout));
        break;
      }
      int error = ready < 0 ? errno : 0;
      socklen_t length = sizeof(error);
      if (ready > 0 && ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        error = errno;
      }
      if (error != 0) {
        why = ErrnoText(error);
        continue;
      }
    }
    // Headers and body go in one write, but a TLS record split must not wait for an ACK either.
    const int on = 1;
    ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    return socket;
  }
  return absl::UnavailableError(absl::StrCat(failed, ": ", why));
}

}  // namespace

TlsStream::TlsStream(UniqueFd socket, absl::Duration timeout)
    : socket_(std::move(socket)), timeout_(timeout) {
  mbedtls_x509_crt_init(&ca_chain_);
  mbedtls_ssl_config_init(&config_);
  mbedtls_ssl_init(&ssl_);
}

TlsStream::~TlsStream() {
  mbedtls_ssl_free(&ssl_);
  mbedtls_ssl_config_free(&config_);
  mbedtls_x509_crt_free(&ca_chain_);
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Connect(const ApiServerEndpoint& endpoint,
                                                              const std::string& ca_file,
                                                              absl::Duration timeout) {
  absl::StatusOr<UniqueFd> socket = ConnectTcp(endpoint, timeout);
  if (!socket.ok()) return socket.status();
  // Not make_unique: the constructor is private. The object never moves: mbedTLS keeps pointers
  // to its members.
  std::unique_ptr<TlsStream> stream(new TlsStream(*std::move(socket), timeout));
  if (absl::Status shaken = stream->Handshake(endpoint, ca_file); !shaken.ok()) return shaken;
  return stream;
}

absl::Status TlsStream::Handshake(const ApiServerEndpoint& endpoint, const std::string& ca_file) {
  const int parsed = mbedtls_x509_crt_parse_file(&ca_chain_, ca_file.c_str());
  if (parsed < 0 || ca_chain_.raw.p == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load CA file ", ca_file, ": ",
                     parsed < 0 ? MbedtlsText(parsed) : "no certificate in it could be parsed"));
  }
  int result = mbedtls_ssl_config_defaults(
      &config_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (result != 0) return absl::InternalError("mbedTLS: " + MbedtlsText(result));
  // The API server speaks TLS 1.2 and 1.3 (Go's minimum is 1.2); 1.0 and 1.1 are refused.
  mbedtls_ssl_conf_min_version(&config_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  // mbedTLS 2.28 offers its curves largest first, and a server that follows the client's order
  // (OpenSSL's default) then does the key exchange on P-521: 15 ms of CPU per handshake here.
  // X25519 and P-256 first, as Go's API server prefers; P-384 and P-521 stay for certificates.
  mbedtls_ssl_conf_curves(&config_, kCurves.data());
  mbedtls_ssl_conf_authmode(&config_, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&config_, &ca_chain_, nullptr);
  mbedtls_ssl_conf_rng(&config_, &RandomBytes, nullptr);
  mbedtls_ssl_conf_verify(&config_, &TlsStream::CheckCertificate, this);
  mbedtls_ssl_conf_read_timeout(&config_, static_cast<uint32_t>(Milliseconds(timeout_)));
  if ((result = mbedtls_ssl_setup(&ssl_, &config_)) != 0) {
    return absl::InternalError("mbedTLS: " + MbedtlsText(result));
  }
  address_ = IpAddressBytes(endpoint.host);
  // A name is sent (SNI) and checked by mbedTLS; an address is checked in CheckCertificate.
  if ((result = mbedtls_ssl_set_hostname(&ssl_, address_ ? nullptr : endpoint.host.c_str())) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot verify certificates for host \"",
                                                   endpoint.host, "\": ", MbedtlsText(result)));
  }
  mbedtls_ssl_set_bio(&ssl_, this, &TlsStream::SendToSocket, nullptr,
                      &TlsStream::ReceiveFromSocket);
  do {
    result = mbedtls_ssl_handshake(&ssl_);
  } while (result == MBEDTLS_ERR_SSL_WANT_READ || result == MBEDTLS_ERR_SSL_WANT_WRITE);
  if (result == 0) return absl::OkStatus();

  const uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
  if (result == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "TLS verification of the API server at ", endpoint.Url(), " failed against CA file ",
        ca_file, ": ", VerifyFailureReason(flags, endpoint.host)));
  }
  const std::string failed =
      absl::StrCat("TLS handshake with the API server at ", endpoint.Url(), " failed: ");
  if (timed_out_) {
    return absl::UnavailableError(
        absl::StrCat(failed, "no answer within ", absl::FormatDuration(timeout_)));
  }
  if (result == MBEDTLS_ERR_SSL_CONN_EOF || socket_error_ == ECONNRESET) {
    return absl::UnavailableError(
        absl::StrCat(failed, "the server closed the connection (does it speak TLS there?)"));
  }
  return absl::UnavailableError(absl::StrCat(failed, MbedtlsText(result)));
}

absl::StatusOr<size_t> TlsStream::Read(char* buffer, size_t capacity) {
  timed_out_ = false;
  socket_error_ = 0;
  const size_t wanted = std::min<size_t>(capacity, INT_MAX);
  for (;;) {
    const int result = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buffer), wanted);
    if (result > 0) return static_cast<size_t>(result);
    if (result == 0 || result == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
        result == MBEDTLS_ERR_SSL_CONN_EOF) {
      return 0;
    }
    if (result != MBEDTLS_ERR_SSL_WANT_READ && result != MBEDTLS_ERR_SSL_WANT_WRITE) {
      return IoError(result, "reading");
    }
  }
}

absl::Status TlsStream::Write(std::string_view bytes) {
  timed_out_ = false;
  socket_error_ = 0;
  while (!bytes.empty()) {
    const int result =
        mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(bytes.data()),
                          std::min<size_t>(bytes.size(), INT_MAX));
    if (result > 0) {
      bytes.remove_prefix(static_cast<size_t>(result));
    } else if (result != MBEDTLS_ERR_SSL_WANT_READ && result != MBEDTLS_ERR_SSL_WANT_WRITE) {
      return IoError(result, "writing");
    }
  }
  return absl::OkStatus();
}

absl::Status TlsStream::IoError(int result, const char* doing) const {
  if (timed_out_ || result == MBEDTLS_ERR_SSL_TIMEOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("no answer within ", absl::FormatDuration(timeout_)));
  }
  if (socket_error_ == ECONNRESET || socket_error_ == EPIPE) {
    return absl::AbortedError(absl::StrCat("connection reset while ", doing));
  }
  return absl::UnavailableError(
      absl::StrCat("TLS failure while ", doing, ": ",
                   socket_error_ != 0 ? ErrnoText(socket_error_) : MbedtlsText(result)));
}

int TlsStream::SendToSocket(void* self, const unsigned char* bytes, size_t size) {
  auto& stream = *static_cast<TlsStream*>(self);
  for (;;) {
    const ssize_t sent = ::send(stream.socket_.get(), bytes, size, MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<int>(sent);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      const int ready = WaitFor(stream.socket_.get(), POLLOUT, stream.timeout_);
      if (ready > 0) continue;
      if (ready == 0) {
        stream.timed_out_ = true;
        return MBEDTLS_ERR_SSL_TIMEOUT;
      }
    }
    stream.socket_error_ = errno;
    return errno == ECONNRESET || errno == EPIPE ? MBEDTLS_ERR_NET_CONN_RESET
                                                 : MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

int TlsStream::ReceiveFromSocket(void* self, unsigned char* buffer, size_t size,
                                 uint32_t timeout_ms) {
  auto& stream = *static_cast<TlsStream*>(self);
  const absl::Duration timeout = timeout_ms == 0 ? stream.timeout_ : absl::Milliseconds(timeout_ms);
  for (;;) {
    const ssize_t got = ::recv(stream.socket_.get(), buffer, size, 0);
    if (got >= 0) return static_cast<int>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      const int ready = WaitFor(stream.socket_.get(), POLLIN, timeout);
      if (ready > 0) continue;
      if (ready == 0) {
        stream.timed_out_ = true;
        return MBEDTLS_ERR_SSL_TIMEOUT;
      }
    }
    stream.socket_error_ = errno;
    return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
  }
}

int TlsStream::CheckCertificate(void* self, mbedtls_x509_crt* certificate, int depth,
                                uint32_t* flags) {
  const auto& stream = *static_cast<const TlsStream*>(self);
  if (depth == 0 && stream.address_.has_value() &&
      !CertificateNamesAddress(*certificate, *stream.address_)) {
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  }
  return 0;
}

}  // namespace teedp::kubeapi
