// HTTP/1.1 framing for the API client: the request written by hand (a handful of fixed headers),
// the answer parsed by http-parser.
#include "kubeapi/http_exchange.h"

#include <http_parser.h>

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace teedp::kubeapi {
namespace {

bool HasControlBytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

absl::Status CheckRequest(const ApiRequest& request, const std::string& authority,
                          const std::string& token) {
  if (request.method.empty() ||
      !std::all_of(request.method.begin(), request.method.end(), absl::ascii_isupper)) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP method \"", request.method, "\" is not an upper-case token"));
  }
  if (request.path.empty() || request.path.front() != '/' || HasControlBytes(request.path) ||
      request.path.find(' ') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request path \"", request.path, "\" must start with / and hold no spaces or controls"));
  }
  if (HasControlBytes(authority) || HasControlBytes(token) ||
      HasControlBytes(request.content_type)) {
    return absl::InvalidArgumentError(
        "the Host, Authorization or Content-Type header would hold control bytes");
  }
  return absl::OkStatus();
}

// Methods whose requests carry a body, so an empty one is still announced.
bool CarriesBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// What the parser's callbacks collect.
struct Collected {
  ApiAnswer* answer;
  size_t max_body;
  bool too_large = false;
  bool complete = false;
};

Collected& CollectedOf(http_parser* parser) { return *static_cast<Collected*>(parser->data); }

int OnBody(http_parser* parser, const char* at, size_t length) {
  Collected& collected = CollectedOf(parser);
  if (collected.answer->body.size() + length > collected.max_body) {
    collected.too_large = true;
    return 1;  // stops the parser
  }
  collected.answer->body.append(at, length);
  return 0;
}

int OnMessageComplete(http_parser* parser) {
  CollectedOf(parser).complete = true;
  http_parser_pause(parser, 1);  // bytes after the answer are not ours to parse
  return 0;
}

http_parser_settings Settings() {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_body = &OnBody;
  settings.on_message_complete = &OnMessageComplete;
  return settings;
}

// An interim answer (100 Continue, 103 Early Hints) precedes the real one; 101 is final.
bool IsInterim(int status) { return status / 100 == 1 && status != 101; }

}  // namespace

absl::StatusOr<std::string> FormatRequest(const ApiRequest& request, const std::string& authority,
                                          const std::string& token) {
  if (absl::Status valid = CheckRequest(request, authority, token); !valid.ok()) return valid;
  std::string bytes =
      absl::StrCat(request.method, " ", request.path, " HTTP/1.1\r\nHost: ", authority,
                   "\r\nAuthorization: Bearer ", token,
                   "\r\nAccept: application/json\r\nUser-Agent: tee-device-plugin\r\n");
  if (!request.content_type.empty()) {
    absl::StrAppend(&bytes, "Content-Type: ", request.content_type, "\r\n");
  }
  if (!request.body.empty() || CarriesBody(request.method)) {
    absl::StrAppend(&bytes, "Content-Length: ", request.body.size(), "\r\n");
  }
  absl::StrAppend(&bytes, "\r\n", request.body);
  return bytes;
}

absl::StatusOr<ReadAnswerResult> ReadAnswer(ByteStream& stream, size_t max_body) {
  ReadAnswerResult result;
  Collected collected{.answer = &result.answer, .max_body = max_body};
  const http_parser_settings settings = Settings();
  http_parser parser;
  http_parser_init(&parser, HTTP_RESPONSE);
  parser.data = &collected;
  bool received_any = false;
  std::array<char, 16384> buffer;
  for (;;) {
    absl::StatusOr<size_t> read = stream.Read(buffer.data(), buffer.size());
    const bool reset = read.status().code() == absl::StatusCode::kAborted;
    if (!received_any && (reset || (read.ok() && *read == 0))) {
      return absl::AbortedError("closed the connection before answering");
    }
    if (reset) return absl::UnavailableError("reset the connection in the middle of its answer");
    if (!read.ok()) {
      if (read.status().code() == absl::StatusCode::kDeadlineExceeded) return read.status();
      return absl::UnavailableError(
          absl::StrCat("failed while answering: ", read.status().message()));
    }
    received_any = true;
    // An orderly end is given to the parser too: it ends a body that runs to the close.
    const bool ended = *read == 0;
    std::string_view chunk(buffer.data(), *read);
    for (;;) {
      const size_t parsed = http_parser_execute(&parser, &settings, chunk.data(), chunk.size());
      if (collected.too_large) {
        return absl::ResourceExhaustedError(
            absl::StrCat("sent an answer over ", max_body, " bytes"));
      }
      if (collected.complete && IsInterim(static_cast<int>(parser.status_code))) {
        // Parsing goes on after the interim answer, with what followed it in this chunk.
        chunk.remove_prefix(parsed);
        result.answer.body.clear();
        collected.complete = false;
        http_parser_init(&parser, HTTP_RESPONSE);
        parser.data = &collected;
        if (!chunk.empty()) continue;
      } else if (collected.complete) {
        result.answer.http_status = static_cast<int>(parser.status_code);
        // Bytes after the answer mean a confused server: its connection is not reused.
        result.keep_alive =
            !ended && http_should_keep_alive(&parser) != 0 && parsed == chunk.size();
        return result;
      }
      break;
    }
    if (ended) return absl::UnavailableError("closed the connection in the middle of its answer");
    if (const auto error = static_cast<http_errno>(parser.http_errno); error != HPE_OK) {
      return absl::UnavailableError(absl::StrCat("sent an answer that is not HTTP/1.x (",
                                                 http_errno_description(error), ")"));
    }
  }
}

}  // namespace teedp::kubeapi
