// HTTPS to the API server: a pool of kept-alive TLS connections, one HTTP exchange per request.
#include "kubeapi/api_server_client.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "common/status_macros.h"
#include "kubeapi/tls_stream.h"

namespace teedp::kubeapi {
namespace {

// A connection is reused for this long after its creation, so that a CA the pod's mount rotated
// is loaded again; and only while idle for less than this, well within the API server's own idle
// limit (90 s), so that a reused connection is seldom one the server is closing.
constexpr absl::Duration kConnectionLifetime = absl::Minutes(5);
constexpr absl::Duration kIdleLimit = absl::Seconds(30);
// More idle connections than callers at once would only hold sockets open.
constexpr size_t kMaxIdle = 4;

struct Connection {
  std::unique_ptr<TlsStream> stream;
  absl::Time created;
  absl::Time idle_since;
};

}  // namespace

class IdleConnections {
 public:
  // The most recently used connection still fit for use, or none.
  std::optional<Connection> Take(absl::Time now) {
    MutexLock lock(&mu_);
    while (!idle_.empty()) {
      Connection last = std::move(idle_.back());
      idle_.pop_back();
      if (now - last.created < kConnectionLifetime && now - last.idle_since < kIdleLimit) {
        return last;
      }
    }
    return std::nullopt;
  }
  void Give(Connection connection) {
    MutexLock lock(&mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
  }

 private:
  Mutex mu_;
  std::vector<Connection> idle_ ABSL_GUARDED_BY(mu_);
};

namespace {

absl::StatusOr<Connection> NewConnection(const ApiServerConfig& config, absl::Duration timeout) {
  TEE_ASSIGN_OR_RETURN(std::unique_ptr<TlsStream> stream,
                       TlsStream::Connect(config.endpoint, config.ca_file, timeout));
  const absl::Time now = absl::Now();
  return Connection{.stream = std::move(stream), .created = now, .idle_since = now};
}

// One exchange on one connection, which goes back to `idle` when the server keeps it open.
// Aborted (passed on to Send) means the connection ended before any answer: on a reused
// connection, the server closing it while idle.
absl::StatusOr<ApiAnswer> SendOn(Connection connection, const std::string& request_bytes,
                                 const ApiServerConfig& config, absl::Duration timeout,
                                 IdleConnections& idle) {
  const std::string server = absl::StrCat("the API server at ", config.endpoint.Url());
  absl::Status written = connection.stream->Write(request_bytes);
  absl::StatusOr<ReadAnswerResult> read =
      written.ok() ? ReadAnswer(*connection.stream, kMaxAnswerBytes) : written;
  if (read.ok()) {
    if (read->keep_alive) {
      connection.idle_since = absl::Now();
      idle.Give(std::move(connection));
    }
    return std::move(read->answer);
  }
  switch (read.status().code()) {
    case absl::StatusCode::kAborted:
      return absl::AbortedError(absl::StrCat(server, " closed the connection before answering"));
    case absl::StatusCode::kDeadlineExceeded:
      return absl::UnavailableError(
          absl::StrCat(server, " sent no answer within ", absl::FormatDuration(timeout)));
    default:
      return absl::Status(read.status().code(), absl::StrCat(server, " ", read.status().message()));
  }
}

// Aborted is this file's signal for "safe to send again"; callers see Unavailable.
absl::StatusOr<ApiAnswer> AsUnavailable(absl::StatusOr<ApiAnswer> answer) {
  if (answer.status().code() != absl::StatusCode::kAborted) return answer;
  return absl::UnavailableError(answer.status().message());
}

}  // namespace

ApiServerClient::ApiServerClient(ApiServerConfig config, absl::Duration timeout)
    : config_(std::move(config)), timeout_(timeout), idle_(std::make_shared<IdleConnections>()) {}

absl::StatusOr<ApiAnswer> ApiServerClient::Send(const ApiRequest& request) const {
  TEE_ASSIGN_OR_RETURN(const std::string token, ReadBearerToken(config_.token_file));
  TEE_RETURN_IF_ERROR(CheckCaFile(config_.ca_file));
  TEE_ASSIGN_OR_RETURN(const std::string request_bytes,
                       FormatRequest(request, config_.endpoint.Authority(), token));
  if (std::optional<Connection> reused = idle_->Take(absl::Now()); reused.has_value()) {
    absl::StatusOr<ApiAnswer> answer =
        SendOn(*std::move(reused), request_bytes, config_, timeout_, *idle_);
    // Only a GET is sent again: another method may have taken effect before the connection broke.
    if (answer.status().code() != absl::StatusCode::kAborted || request.method != "GET") {
      return AsUnavailable(std::move(answer));
    }
  }
  TEE_ASSIGN_OR_RETURN(Connection fresh, NewConnection(config_, timeout_));
  return AsUnavailable(SendOn(std::move(fresh), request_bytes, config_, timeout_, *idle_));
}

}  // namespace teedp::kubeapi
