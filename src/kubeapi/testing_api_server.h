// Provides stand-ins for the Kubernetes API server in kubeapi tests: FakeApiServer (real HTTPS on
// 127.0.0.1 with a TestPki certificate; records every request and answers with canned replies,
// or holds them to provoke timeouts) and RawListener (a TCP port that never answers, or accepts
// and hangs up before or after the TLS handshake). Test-only; not part of tee_kubeapi.
// Thread safety: servers run on their own threads; the accessors lock.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "kubeapi/api_server_client.h"
#include "kubeapi/testing_pki.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace teedp::kubeapi::testing {

struct RecordedRequest {
  std::string method, path, content_type, authorization, host, body;
  int remote_port = 0;  // the client's end: requests on one connection share it
};

struct CannedAnswer {
  int status = 200;
  std::string body = "{}";
};

class FakeApiServer {
 public:
  // `requests_per_connection`: the server closes a connection after that many answers (0:
  // httplib's default of 5).
  explicit FakeApiServer(const TestPki& pki, const std::string& address = "127.0.0.1",
                         size_t requests_per_connection = 0)
      : server_(pki.server_cert.get(), pki.server_key.get()) {
    Check(server_.is_valid(), "SSLServer");
    if (requests_per_connection > 0) server_.set_keep_alive_max_count(requests_per_connection);
    server_.set_tcp_nodelay(true);  // as Go's net/http (the real API server) sets it
    server_.Get(".*",
                [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    server_.Patch(
        ".*", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    server_.Post(".*",
                 [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    server_.Put(".*",
                [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    server_.Delete(
        ".*", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port(address);
    Check(port_ > 0, "bind_to_any_port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing before the accept loop runs, so wait for it.
    Check(::teedp::testing::Eventually([this] { return server_.is_running(); }),
          "listen_after_bind");
  }
  ~FakeApiServer() {
    Release();
    server_.stop();
    thread_.join();
  }
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  int port() const { return port_; }

  // The answer to every later request with this method ("GET", "PATCH"); default 200 "{}".
  void SetAnswer(const std::string& method, CannedAnswer answer) {
    MutexLock lock(&mutex_);
    answers_[method] = std::move(answer);
  }
  // The answer to later requests with this method and exactly this path (query included),
  // ahead of SetAnswer's.
  void SetAnswerFor(const std::string& method, const std::string& path, CannedAnswer answer) {
    MutexLock lock(&mutex_);
    path_answers_[method + " " + path] = std::move(answer);
  }
  // After the next request with `method`, later `then_method` requests get `answer` (a Node
  // whose PATCH changes what GET returns, as the real API server does).
  void SetAnswerAfter(const std::string& method, const std::string& then_method,
                      CannedAnswer answer) {
    MutexLock lock(&mutex_);
    follow_up_ = FollowUp{method, then_method, std::move(answer)};
  }
  // Requests wait without an answer until Release (or the server's destruction).
  void Hold() {
    MutexLock lock(&mutex_);
    holding_ = true;
  }
  void Release() {
    MutexLock lock(&mutex_);
    holding_ = false;
  }
  std::vector<RecordedRequest> requests() const {
    MutexLock lock(&mutex_);
    return requests_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    MutexLock lock(&mutex_);
    requests_.push_back({req.method, req.path, req.get_header_value("Content-Type"),
                         req.get_header_value("Authorization"), req.get_header_value("Host"),
                         req.body, req.remote_port});
    mutex_.Await([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return !holding_; });
    std::string target = req.path;
    if (!req.params.empty()) {
      target += "?";
      for (auto param = req.params.begin(); param != req.params.end(); ++param) {
        target += (param == req.params.begin() ? "" : "&") + param->first + "=" + param->second;
      }
    }
    auto for_path = path_answers_.find(req.method + " " + target);
    const CannedAnswer& answer =
        for_path != path_answers_.end() ? for_path->second : answers_[req.method];
    res.status = answer.status;
    res.set_content(answer.body, "application/json");
    if (follow_up_ && follow_up_->after == req.method) {
      answers_[follow_up_->method] = std::move(follow_up_->answer);
      follow_up_.reset();
    }
  }

  struct FollowUp {
    std::string after, method;
    CannedAnswer answer;
  };

  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
  mutable Mutex mutex_;
  std::map<std::string, CannedAnswer> answers_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, CannedAnswer> path_answers_ ABSL_GUARDED_BY(mutex_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mutex_);
  bool holding_ ABSL_GUARDED_BY(mutex_) = false;
  std::optional<FollowUp> follow_up_ ABSL_GUARDED_BY(mutex_);
};

// A listening TCP socket on 127.0.0.1 that misbehaves in one of four ways.
class RawListener {
 public:
  enum class Behaviour {
    kNeverAnswer,        // the kernel completes the TCP handshake; nobody ever reads
    kCloseAtOnce,        // accepts and closes before any TLS
    kCloseAfterRequest,  // completes TLS, reads the request, closes without an answer
    // Answers the first request of each connection (200 "{}", kept alive), then reads the next
    // one and closes without an answer: a server dropping an idle connection as it is reused.
    kDropSecondRequest,
  };

  RawListener(Behaviour behaviour, const TestPki& pki) : behaviour_(behaviour), pki_(pki) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Check(fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
              ::listen(fd_, 8) == 0,
          "listen");
    socklen_t length = sizeof(address);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (behaviour_ != Behaviour::kNeverAnswer) thread_ = std::thread([this] { Serve(); });
  }
  ~RawListener() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  int port() const { return port_; }
  // Connections accepted and requests read so far.
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, 50) != 1) continue;
      const int connection = ::accept(fd_, nullptr, nullptr);
      if (connection < 0) continue;
      const timeval limit{2, 0};  // a client that never speaks cannot wedge the test
      ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
      ++connections_;
      if (behaviour_ != Behaviour::kCloseAtOnce) ServeOverTls(connection);
      ::close(connection);
    }
  }
  void ServeOverTls(int connection) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_server_method()),
                                                              &SSL_CTX_free);
    SSL_CTX_use_certificate(context.get(), pki_.server_cert.get());
    SSL_CTX_use_PrivateKey(context.get(), pki_.server_key.get());
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), &SSL_free);
    SSL_set_fd(ssl.get(), connection);
    if (SSL_accept(ssl.get()) != 1 || !ReadRequest(ssl.get())) return;
    if (behaviour_ != Behaviour::kDropSecondRequest) return;
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    if (SSL_write(ssl.get(), answer.data(), static_cast<int>(answer.size())) <= 0) return;
    ReadRequest(ssl.get());
  }
  // Reads one request's head (the stand-in's clients send GETs without a body).
  bool ReadRequest(SSL* ssl) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const int got = SSL_read(ssl, buffer, sizeof(buffer));
      if (got <= 0) return false;
      request.append(buffer, static_cast<size_t>(got));
    }
    ++requests_;
    return true;
  }

  Behaviour behaviour_;
  const TestPki& pki_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, then released).
inline int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// What an in-cluster pod has on disk for the API server: a service account token ("sa-token") and
// `pki`'s CA, in a temporary folder; Config points a client at a stand-in on 127.0.0.1:`port`.
class ClientFiles {
 public:
  explicit ClientFiles(const TestPki& pki) {
    dir_.Write("token", "sa-token\n");
    pki.WriteCaFile(dir_.path() + "/ca.crt");
  }
  ApiServerConfig Config(int port) const {
    return {.endpoint = {.host = "127.0.0.1", .port = port},
            .token_file = dir_.path() + "/token",
            .ca_file = dir_.path() + "/ca.crt"};
  }
  // The folder, laid out as a pod's service-account mount (token, ca.crt).
  const std::string& dir() const { return dir_.path(); }

 private:
  teedp::testing::TempDir dir_;
};

}  // namespace teedp::kubeapi::testing
