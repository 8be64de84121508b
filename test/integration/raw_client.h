// Provides a raw unix-socket client that speaks just enough HTTP/2 to misbehave on purpose:
// garbage bytes, truncated frames, a stream whose flow-control window is zero (a kubelet that
// never reads), and hand-built gRPC requests (HPACK literals only, no Huffman).
// Thread safety: one RawClient per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace teedp::testing {

inline constexpr const char* kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum class FrameType : uint8_t { kData = 0, kHeaders = 1, kSettings = 4, kGoAway = 7 };
inline constexpr uint8_t kEndStream = 0x1;
inline constexpr uint8_t kEndHeaders = 0x4;

// A 9-byte frame header plus payload; `declared_length` overrides the length field (to lie).
std::string Frame(FrameType type, uint8_t flags, uint32_t stream, const std::string& payload,
                  int64_t declared_length = -1);
// SETTINGS with SETTINGS_INITIAL_WINDOW_SIZE = `window`.
std::string SettingsWithWindow(uint32_t window);
// HEADERS (END_HEADERS) opening a gRPC call to `path` ("/v1beta1.DevicePlugin/Allocate").
std::string GrpcHeaders(uint32_t stream, const std::string& path);
// One gRPC length-prefixed message; `declared_length` overrides the prefix.
std::string GrpcMessage(const std::string& bytes, int64_t declared_length = -1);

class RawClient {
 public:
  explicit RawClient(const std::string& socket_path);  // connects; ok() says whether it did
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Writes everything (false when the peer closed).
  bool Send(const std::string& bytes);
  // Reads what arrives within `timeout_ms`; stops early when the peer closes.
  std::string ReadFor(int timeout_ms);
  // True when the peer closed the connection within `timeout_ms` (reads and drops data).
  bool ClosedWithin(int timeout_ms);
  void Close();

 private:
  int fd_ = -1;
};

}  // namespace teedp::testing
