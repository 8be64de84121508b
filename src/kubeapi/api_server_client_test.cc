#include "kubeapi/api_server_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kubeapi/testing_api_server.h"
#include "support/temp_dir.h"

namespace teedp::kubeapi {
namespace {

using teedp::testing::TempDir;
using ::testing::AllOf;
using testing::CannedAnswer;
using testing::FakeApiServer;
using ::testing::HasSubstr;
using testing::RawListener;
using testing::TestPki;

class ApiServerClientTest : public ::testing::Test {
 protected:
  ApiServerClientTest() {
    dir_.Write("token", "token-one\n");
    pki_.WriteCaFile(dir_.path() + "/ca.crt");
  }
  ApiServerConfig Config(int port, const std::string& host = "127.0.0.1") const {
    return {.endpoint = {.host = host, .port = port},
            .token_file = dir_.path() + "/token",
            .ca_file = dir_.path() + "/ca.crt"};
  }
  absl::StatusOr<ApiAnswer> Get(const ApiServerConfig& config,
                                absl::Duration timeout = absl::Seconds(5)) const {
    return ApiServerClient(config, timeout).Send({.method = "GET", .path = "/api/v1/nodes/n1"});
  }
  static std::string Message(const absl::StatusOr<ApiAnswer>& answer) {
    return std::string(answer.status().message());
  }
  // Sends one request per method in turn through one client; the client ports the server saw
  // them come from (one port: one connection), none when a request failed.
  std::vector<int> PortsOfRequestsInSequence(const FakeApiServer& server,
                                             const std::vector<std::string>& methods) const {
    const ApiServerClient client(Config(server.port()));
    for (const std::string& method : methods) {
      absl::StatusOr<ApiAnswer> answer =
          client.Send({.method = method, .path = "/api/v1/nodes/n1"});
      EXPECT_TRUE(answer.ok()) << method << ": " << answer.status();
      if (!answer.ok()) return {};
    }
    std::vector<int> ports;
    for (const testing::RecordedRequest& request : server.requests()) {
      ports.push_back(request.remote_port);
    }
    return ports;
  }

  TempDir dir_;
  TestPki pki_;
};

TEST_F(ApiServerClientTest, SendsBearerTokenHostAndBodyAndReturnsTheAnswer) {
  FakeApiServer server(pki_);
  server.SetAnswer("PATCH", {.status = 201, .body = R"({"kind":"Node"})"});
  ApiServerClient client(Config(server.port()));
  auto answer = client.Send({.method = "PATCH",
                             .path = "/api/v1/nodes/n1/status",
                             .content_type = "application/json-patch+json",
                             .body = "[]"});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->http_status, 201);
  EXPECT_EQ(answer->body, R"({"kind":"Node"})");
  ASSERT_EQ(server.requests().size(), 1u);
  const testing::RecordedRequest request = server.requests()[0];
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.path, "/api/v1/nodes/n1/status");
  EXPECT_EQ(request.authorization, "Bearer token-one");
  EXPECT_EQ(request.content_type, "application/json-patch+json");
  EXPECT_EQ(request.host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(request.body, "[]");
}

TEST_F(ApiServerClientTest, ErrorAnswersAreReturnedNotTurnedIntoTransportErrors) {
  FakeApiServer server(pki_);
  server.SetAnswer("GET", {.status = 403, .body = R"({"message":"forbidden"})"});
  auto answer = Get(Config(server.port()));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->http_status, 403);
}

TEST_F(ApiServerClientTest, RereadsTheTokenForEveryRequest) {
  FakeApiServer server(pki_);
  ApiServerClient client(Config(server.port()));
  ASSERT_TRUE(client.Send({.method = "GET", .path = "/a"}).ok());
  dir_.Write("token", "token-two");  // the kubelet rotated the projected token
  ASSERT_TRUE(client.Send({.method = "GET", .path = "/a"}).ok());
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].authorization, "Bearer token-one");
  EXPECT_EQ(server.requests()[1].authorization, "Bearer token-two");
}

TEST_F(ApiServerClientTest, Ipv6AddressIsBracketedInHostHeader) {
  std::unique_ptr<FakeApiServer> server;
  try {
    server = std::make_unique<FakeApiServer>(pki_, "::1");
  } catch (const std::exception&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  auto answer = Get(Config(server->port(), "::1"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].host, "[::1]:" + std::to_string(server->port()));
}

TEST_F(ApiServerClientTest, CertificateFromAnotherCaIsRefusedNamingTheCaFile) {
  FakeApiServer server(pki_);
  TestPki other;
  other.WriteCaFile(dir_.path() + "/other.crt");
  ApiServerConfig config = Config(server.port());
  config.ca_file = dir_.path() + "/other.crt";
  auto answer = Get(config);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(answer), AllOf(HasSubstr("TLS verification"), HasSubstr("other.crt"),
                                     HasSubstr("https://127.0.0.1:"),
                                     HasSubstr("not signed by a certificate in the CA file")));
  EXPECT_TRUE(server.requests().empty()) << "the token must not reach an unverified server";
}

TEST_F(ApiServerClientTest, CertificateForAnotherHostIsRefused) {
  TestPki elsewhere("DNS:elsewhere.example");
  elsewhere.WriteCaFile(dir_.path() + "/ca.crt");
  FakeApiServer server(elsewhere);
  auto answer = Get(Config(server.port()));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(answer), AllOf(HasSubstr("IP address mismatch"), HasSubstr("ca.crt")));
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ApiServerClientTest, HostNamesAreCheckedAgainstDnsNames) {
  FakeApiServer server(pki_);  // its certificate names DNS:localhost
  auto answer = Get(Config(server.port(), "localhost"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  TestPki elsewhere("DNS:elsewhere.example");
  elsewhere.WriteCaFile(dir_.path() + "/ca.crt");
  FakeApiServer other(elsewhere);
  EXPECT_THAT(Message(Get(Config(other.port(), "localhost"))), HasSubstr("hostname mismatch"));
}

TEST_F(ApiServerClientTest, RefusedConnectionNamesTheAddress) {
  const int port = testing::UnusedPort();
  auto answer = Get(Config(port));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Message(answer), AllOf(HasSubstr("cannot connect"),
                                     HasSubstr("https://127.0.0.1:" + std::to_string(port))));
}

TEST_F(ApiServerClientTest, ServerThatNeverAnswersTimesOut) {
  RawListener silent(RawListener::Behaviour::kNeverAnswer, pki_);
  const absl::Time start = absl::Now();
  auto answer = Get(Config(silent.port()), absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Message(answer), HasSubstr("no answer within 300ms"));
}

TEST_F(ApiServerClientTest, ServerThatHoldsTheAnswerTimesOut) {
  FakeApiServer server(pki_);
  server.Hold();
  const absl::Time start = absl::Now();
  auto answer = Get(Config(server.port()), absl::Milliseconds(300));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Message(answer), HasSubstr("sent no answer within 300ms"));
}

TEST_F(ApiServerClientTest, ConnectionClosedBeforeTlsIsAClearError) {
  RawListener closing(RawListener::Behaviour::kCloseAtOnce, pki_);
  auto answer = Get(Config(closing.port()));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Message(answer), AllOf(HasSubstr("TLS handshake"), HasSubstr("closed")));
}

TEST_F(ApiServerClientTest, ConnectionClosedAfterTheRequestIsAClearError) {
  RawListener closing(RawListener::Behaviour::kCloseAfterRequest, pki_);
  auto answer = Get(Config(closing.port()));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Message(answer), HasSubstr("closed the connection before answering"));
}

TEST_F(ApiServerClientTest, OversizedAnswerIsRefused) {
  FakeApiServer server(pki_);
  server.SetAnswer("GET", {.status = 200, .body = std::string(kMaxAnswerBytes + 1, 'x')});
  auto answer = Get(Config(server.port()));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(ApiServerClientTest, UnreadableTokenOrCaFailsBeforeConnecting) {
  FakeApiServer server(pki_);
  ApiServerConfig config = Config(server.port());
  config.token_file = dir_.path() + "/gone";
  EXPECT_THAT(Message(Get(config)), HasSubstr("cannot read token " + dir_.path() + "/gone"));
  config = Config(server.port());
  dir_.Write("ca.crt", "garbage");
  EXPECT_THAT(Message(Get(config)), HasSubstr("holds no PEM certificate"));
  EXPECT_TRUE(server.requests().empty());
}

// A TLS handshake costs more than a small GET: requests in sequence share one connection.
TEST_F(ApiServerClientTest, RequestsInSequenceShareOneConnection) {
  FakeApiServer server(pki_);
  const std::vector<int> ports = PortsOfRequestsInSequence(server, {"GET", "PATCH", "GET"});
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[1], ports[0]);
  EXPECT_EQ(ports[2], ports[0]);
}

TEST_F(ApiServerClientTest, AConnectionTheServerClosedIsReplacedByANewOne) {
  FakeApiServer server(pki_, "127.0.0.1", /*requests_per_connection=*/1);
  const std::vector<int> ports = PortsOfRequestsInSequence(server, {"GET", "GET", "GET"});
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_NE(ports[1], ports[0]);
  EXPECT_NE(ports[2], ports[1]);
}

// The server may close an idle connection just as a request goes out on it: a GET is sent again
// on a new connection; a PATCH, which may have taken effect, is not.
TEST_F(ApiServerClientTest, AGetOnAConnectionDroppedAsItWasReusedIsSentAgain) {
  RawListener listener(RawListener::Behaviour::kDropSecondRequest, pki_);
  const ApiServerClient client(Config(listener.port()));
  ASSERT_TRUE(client.Send({.method = "GET", .path = "/one"}).ok());
  absl::StatusOr<ApiAnswer> again = client.Send({.method = "GET", .path = "/two"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->http_status, 200);
  EXPECT_EQ(listener.connections(), 2);

  absl::StatusOr<ApiAnswer> patch = client.Send({.method = "PATCH", .path = "/three"});
  EXPECT_EQ(patch.status().code(), absl::StatusCode::kUnavailable) << patch.status();
  EXPECT_THAT(Message(patch), HasSubstr("closed the connection before answering"));
  EXPECT_EQ(listener.connections(), 2);
}

}  // namespace
}  // namespace teedp::kubeapi
