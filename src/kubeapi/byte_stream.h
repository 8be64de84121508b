// Provides ByteStream: the connection an HTTP exchange (http_exchange.h) reads and writes, so the
// HTTP code runs unchanged over TLS (tls_stream.h) and over memory in tests and the fuzzer.
// Thread safety: one stream is used by one thread at a time.
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace teedp::kubeapi {

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // Reads at most `capacity` bytes into `buffer`, waiting for at least one; 0 means the peer
  // closed the stream in order. Errors: DeadlineExceeded when nothing came within the stream's
  // timeout, Aborted when the peer reset the connection, Unavailable for any other failure.
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t capacity) = 0;

  // Writes all of `bytes`. Errors as for Read (Aborted when the peer had closed or reset it).
  virtual absl::Status Write(std::string_view bytes) = 0;
};

}  // namespace teedp::kubeapi
