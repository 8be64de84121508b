// Provides ApiRequest, ApiAnswer, FormatRequest and ReadAnswer: one HTTP/1.1 request to the API
// server and its answer, over any ByteStream. The answer is parsed by Node's http-parser (Debian's
// libhttp-parser): status line, headers, Content-Length, chunked or read-to-close bodies, and
// whether the connection may carry the next request.
// Thread safety: pure functions over their arguments; one stream per call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kubeapi/byte_stream.h"

namespace teedp::kubeapi {

struct ApiRequest {
  std::string method = "GET";
  std::string path;               // "/api/v1/nodes/<name>/status"
  std::string content_type = {};  // empty when there is no body
  std::string body = {};
};

struct ApiAnswer {
  int http_status = 0;
  std::string body;
};

// The request's bytes, headers and body together (one write): Host `authority`, the bearer
// `token`, Accept application/json, and Content-Length when there is a body or the method
// carries one. InvalidArgument, naming the field, when the method is not an upper-case HTTP
// token, the path does not start with "/" or holds spaces or control bytes, or the token or
// content type holds control bytes (each would end a header early).
absl::StatusOr<std::string> FormatRequest(const ApiRequest& request, const std::string& authority,
                                          const std::string& token);

struct ReadAnswerResult {
  ApiAnswer answer;
  bool keep_alive = false;  // the server will read another request on this connection
};

// Reads one answer from `stream`, skipping interim (1xx) answers, with a body of at most
// `max_body` bytes. Errors (messages follow "the API server at <url> "):
//   Aborted "closed the connection before answering" when the stream ended or was reset before
//     any byte came (a kept-alive connection the server closed meanwhile);
//   DeadlineExceeded, from the stream, when it went silent;
//   ResourceExhausted when the body is larger than `max_body`;
//   Unavailable when the answer is not HTTP/1.x (names the parser's reason), when the stream
//     ended in the middle of it, or for any other stream failure.
absl::StatusOr<ReadAnswerResult> ReadAnswer(ByteStream& stream, size_t max_body);

}  // namespace teedp::kubeapi
