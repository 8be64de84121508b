#include "raw_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace teedp::testing {
namespace {

void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// HPACK "literal header field without indexing, new name"; lengths stay below 127.
std::string Literal(const std::string& name, const std::string& value) {
  std::string out(1, '\0');
  out.push_back(static_cast<char>(name.size()));
  out += name;
  out.push_back(static_cast<char>(value.size()));
  out += value;
  return out;
}

}  // namespace

std::string Frame(FrameType type, uint8_t flags, uint32_t stream, const std::string& payload,
                  int64_t declared_length) {
  std::string out;
  PutBigEndian(out, declared_length >= 0 ? uint64_t(declared_length) : payload.size(), 3);
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  PutBigEndian(out, stream & 0x7fffffffu, 4);
  return out + payload;
}

std::string SettingsWithWindow(uint32_t window) {
  std::string payload;
  PutBigEndian(payload, 0x4, 2);  // SETTINGS_INITIAL_WINDOW_SIZE
  PutBigEndian(payload, window, 4);
  return Frame(FrameType::kSettings, 0, 0, payload);
}

std::string GrpcHeaders(uint32_t stream, const std::string& path) {
  std::string block = Literal(":method", "POST") + Literal(":scheme", "http") +
                      Literal(":path", path) + Literal(":authority", "localhost") +
                      Literal("content-type", "application/grpc") + Literal("te", "trailers");
  return Frame(FrameType::kHeaders, kEndHeaders, stream, block);
}

std::string GrpcMessage(const std::string& bytes, int64_t declared_length) {
  std::string out(1, '\0');  // not compressed
  PutBigEndian(out, declared_length >= 0 ? uint64_t(declared_length) : bytes.size(), 4);
  return out + bytes;
}

RawClient::RawClient(const std::string& socket_path) {
  sockaddr_un address{};
  if (socket_path.size() >= sizeof(address.sun_path)) return;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    Close();
  }
}

RawClient::~RawClient() { Close(); }

void RawClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawClient::Send(const std::string& bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string RawClient::ReadFor(int timeout_ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

bool RawClient::ClosedWithin(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, 20) <= 0) continue;
    char buffer[4096];
    if (recv(fd_, buffer, sizeof(buffer), 0) <= 0) return true;
  }
  return false;
}

}  // namespace teedp::testing
