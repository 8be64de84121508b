// Fuzzes the API client's HTTP framing: any bytes from the server, cut into any pieces, give an
// answer within the body limit or a clear error, never a crash; and no method, path, token or
// content type gets a line of its own into a request (header injection).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "kubeapi/http_exchange.h"
#include "kubeapi/testing_byte_stream.h"

namespace {

using teedp::kubeapi::testing::ScriptedStream;

constexpr size_t kMaxBody = 4096;

// Cuts `bytes` into pieces whose sizes the first byte seeds.
std::vector<std::string> Pieces(std::string_view bytes) {
  std::vector<std::string> pieces;
  if (bytes.empty()) return pieces;
  size_t step = static_cast<unsigned char>(bytes.front()) % 64 + 1;
  bytes.remove_prefix(1);
  while (!bytes.empty()) {
    const size_t size = std::min(step, bytes.size());
    pieces.emplace_back(bytes.substr(0, size));
    bytes.remove_prefix(size);
    step = step * 7 % 61 + 1;
  }
  return pieces;
}

void CheckAnswer(std::string_view bytes) {
  const auto end = bytes.empty() ? ScriptedStream::End::kClosed
                                 : static_cast<ScriptedStream::End>(bytes.back() % 4);
  ScriptedStream stream(Pieces(bytes), end);
  absl::StatusOr<teedp::kubeapi::ReadAnswerResult> read =
      teedp::kubeapi::ReadAnswer(stream, kMaxBody);
  if (read.ok()) {
    if (read->answer.body.size() > kMaxBody) std::abort();
    if (read->answer.http_status < 0 || read->answer.http_status > 999) std::abort();
  } else if (read.status().message().empty()) {
    std::abort();
  }
}

void CheckRequest(std::string_view bytes) {
  // Four fields, split at the first three NULs.
  std::vector<std::string> fields(4);
  size_t field = 0;
  for (char c : bytes) {
    if (c == '\0' && field < 3) {
      ++field;
    } else {
      fields[field] += c;
    }
  }
  const teedp::kubeapi::ApiRequest request{
      .method = fields[0], .path = fields[1], .content_type = fields[2], .body = "{}"};
  absl::StatusOr<std::string> formatted = teedp::kubeapi::FormatRequest(request, "h:1", fields[3]);
  if (!formatted.ok()) return;
  // Request line, Host, Authorization, Accept, User-Agent, Content-Type when set, Content-Length.
  const size_t lines = 6 + (request.content_type.empty() ? 0 : 1);
  const std::string head = formatted->substr(0, formatted->find("\r\n\r\n"));
  const auto breaks = static_cast<size_t>(std::count(head.begin(), head.end(), '\n'));
  if (breaks + 1 != lines || std::count(head.begin(), head.end(), '\r') != std::ptrdiff_t(breaks)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckAnswer(bytes);
  CheckRequest(bytes);
  return 0;
}
