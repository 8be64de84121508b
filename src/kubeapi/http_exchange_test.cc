#include "kubeapi/http_exchange.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kubeapi/testing_byte_stream.h"

namespace teedp::kubeapi {
namespace {

using ::testing::HasSubstr;
using testing::ScriptedStream;
using End = ScriptedStream::End;

constexpr size_t kMax = 1024;

absl::StatusOr<ReadAnswerResult> Read(std::vector<std::string> pieces, End end = End::kClosed,
                                      size_t max_body = kMax) {
  ScriptedStream stream(std::move(pieces), end);
  return ReadAnswer(stream, max_body);
}

TEST(FormatRequestTest, WritesTheRequestLineHeadersAndBodyInOnePiece) {
  absl::StatusOr<std::string> bytes = FormatRequest({.method = "PATCH",
                                                     .path = "/api/v1/nodes/n1/status",
                                                     .content_type = "application/json-patch+json",
                                                     .body = "[]"},
                                                    "[::1]:6443", "t0ken");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes,
            "PATCH /api/v1/nodes/n1/status HTTP/1.1\r\nHost: [::1]:6443\r\n"
            "Authorization: Bearer t0ken\r\nAccept: application/json\r\n"
            "User-Agent: tee-device-plugin\r\nContent-Type: application/json-patch+json\r\n"
            "Content-Length: 2\r\n\r\n[]");
}

TEST(FormatRequestTest, AnnouncesAnEmptyBodyOnlyForMethodsThatCarryOne) {
  EXPECT_THAT(*FormatRequest({.method = "POST", .path = "/a"}, "h:1", "t"),
              HasSubstr("Content-Length: 0\r\n"));
  EXPECT_THAT(*FormatRequest({.method = "GET", .path = "/a"}, "h:1", "t"),
              ::testing::Not(HasSubstr("Content-Length")));
  EXPECT_THAT(*FormatRequest({.method = "DELETE", .path = "/a"}, "h:1", "t"),
              ::testing::Not(HasSubstr("Content-Length")));
}

TEST(FormatRequestTest, RefusesWhatWouldBreakTheRequestApart) {
  const struct {
    ApiRequest request;
    std::string token;
    std::string names;
  } cases[] = {
      {{.method = "get", .path = "/a"}, "t", "method"},
      {{.method = "", .path = "/a"}, "t", "method"},
      {{.method = "GET", .path = "a"}, "t", "path"},
      {{.method = "GET", .path = "/a b"}, "t", "path"},
      {{.method = "GET", .path = "/a\r\nX: y"}, "t", "path"},
      {{.method = "GET", .path = "/a"}, "t\r\nX: y", "header"},
      {{.method = "POST", .path = "/a", .content_type = "a\nb"}, "t", "header"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::string> bytes = FormatRequest(c.request, "h:1", c.token);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument) << c.request.path;
    EXPECT_THAT(bytes.status().message(), HasSubstr(c.names));
  }
}

TEST(ReadAnswerTest, ReadsAContentLengthBodyAndKeepsTheConnection) {
  absl::StatusOr<ReadAnswerResult> read =
      Read({"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n",
            R"({"kind":"Node"})"});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->answer.http_status, 201);
  EXPECT_EQ(read->answer.body, R"({"kind":"Node"})");
  EXPECT_TRUE(read->keep_alive);
}

TEST(ReadAnswerTest, JoinsAChunkedBodySplitAnywhere) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n5\r\n:[1]}\r\n0\r\n\r\n";
  for (size_t split = 1; split < wire.size(); ++split) {
    absl::StatusOr<ReadAnswerResult> read = Read({wire.substr(0, split), wire.substr(split)});
    ASSERT_TRUE(read.ok()) << split << ": " << read.status();
    EXPECT_EQ(read->answer.body, R"({"a":[1]})") << split;
    EXPECT_TRUE(read->keep_alive) << split;
  }
}

TEST(ReadAnswerTest, ABodyThatRunsToTheCloseEndsThere) {
  absl::StatusOr<ReadAnswerResult> read = Read({"HTTP/1.1 200 OK\r\n\r\nall of it"});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->answer.body, "all of it");
  EXPECT_FALSE(read->keep_alive);
}

TEST(ReadAnswerTest, ConnectionCloseOrBytesAfterTheAnswerEndTheConnectionsUse) {
  absl::StatusOr<ReadAnswerResult> closing =
      Read({"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"});
  ASSERT_TRUE(closing.ok()) << closing.status();
  EXPECT_FALSE(closing->keep_alive);
  absl::StatusOr<ReadAnswerResult> trailing =
      Read({"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n"});
  ASSERT_TRUE(trailing.ok()) << trailing.status();
  EXPECT_EQ(trailing->answer.http_status, 204);
  EXPECT_FALSE(trailing->keep_alive);
}

TEST(ReadAnswerTest, SkipsInterimAnswers) {
  absl::StatusOr<ReadAnswerResult> read =
      Read({"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->answer.http_status, 200);
  EXPECT_EQ(read->answer.body, "ok");
}

TEST(ReadAnswerTest, ANothingAnswerIsAbortedSoAGetCanBeSentAgain) {
  EXPECT_EQ(Read({}, End::kClosed).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Read({}, End::kReset).status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(Read({}).status().message(), HasSubstr("closed the connection before answering"));
}

TEST(ReadAnswerTest, AnAnswerCutShortIsUnavailableNotAborted) {
  for (End end : {End::kClosed, End::kReset}) {
    absl::StatusOr<ReadAnswerResult> read =
        Read({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, end);
    EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(read.status().message(), HasSubstr("in the middle of its answer"));
  }
}

TEST(ReadAnswerTest, SilenceIsDeadlineExceededAndOtherFailuresUnavailable) {
  EXPECT_EQ(Read({"HTTP/1.1 200 OK\r\n"}, End::kSilent).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  absl::StatusOr<ReadAnswerResult> failed = Read({"HTTP/1.1 200 OK\r\n"}, End::kFailed);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("bad record MAC"));
}

TEST(ReadAnswerTest, ABodyOverTheLimitIsRefusedWhetherAnnouncedOrChunked) {
  const std::string big(kMax + 1, 'x');
  EXPECT_EQ(
      Read({"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big})
          .status()
          .code(),
      absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Read({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "400\r\n",
                  std::string(0x400, 'x'), "\r\n1\r\nx\r\n0\r\n\r\n"})
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
  absl::StatusOr<ReadAnswerResult> exact =
      Read({"HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n" + std::string(kMax, 'x')});
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(exact->answer.body.size(), kMax);
}

TEST(ReadAnswerTest, WhatIsNotHttpNamesTheParsersReason) {
  for (const std::string& wire :
       {std::string("SSH-2.0-OpenSSH_9.2\r\n"),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    absl::StatusOr<ReadAnswerResult> read = Read({wire, "more"});
    EXPECT_EQ(read.status().code(), absl::StatusCode::kUnavailable) << wire;
    EXPECT_THAT(read.status().message(), HasSubstr("not HTTP/1.x (")) << wire;
  }
}

}  // namespace
}  // namespace teedp::kubeapi
