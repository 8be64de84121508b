// Provides ScriptedStream for kubeapi tests and the fuzzer: a ByteStream that hands out the
// server's bytes in the pieces given, then ends the way it was told (closed, reset, silent), and
// keeps what was written to it. Test-only; not part of tee_kubeapi.
// Thread safety: one thread.
#pragma once

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "kubeapi/byte_stream.h"

namespace teedp::kubeapi::testing {

class ScriptedStream final : public ByteStream {
 public:
  enum class End { kClosed, kReset, kSilent, kFailed };

  explicit ScriptedStream(std::vector<std::string> pieces, End end = End::kClosed)
      : pieces_(std::move(pieces)), end_(end) {}

  absl::StatusOr<size_t> Read(char* buffer, size_t capacity) override {
    ++reads_;
    while (next_ < pieces_.size()) {
      std::string& piece = pieces_[next_];
      if (piece.empty()) {
        ++next_;
        continue;
      }
      const size_t size = std::min(capacity, piece.size());
      std::memcpy(buffer, piece.data(), size);
      piece.erase(0, size);
      return size;
    }
    switch (end_) {
      case End::kClosed:
        return 0;
      case End::kReset:
        return absl::AbortedError("connection reset while reading");
      case End::kSilent:
        return absl::DeadlineExceededError("no answer within 1s");
      case End::kFailed:
        break;
    }
    return absl::UnavailableError("TLS failure while reading: bad record MAC");
  }

  absl::Status Write(std::string_view bytes) override {
    written_.append(bytes);
    return absl::OkStatus();
  }

  const std::string& written() const { return written_; }
  int reads() const { return reads_; }

 private:
  std::vector<std::string> pieces_;
  size_t next_ = 0;
  End end_;
  std::string written_;
  int reads_ = 0;
};

}  // namespace teedp::kubeapi::testing
