#include "observe/metrics_server.h"

#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/errno_text.h"
#include "observe/prometheus_text.h"

namespace teedp::observe {
namespace {

// Two workers: a slow scrape never holds up a probe, and nothing more is needed. httplib's default
// is max(8, cores - 1) threads.
constexpr size_t kWorkerThreads = 2;
// One request per connection: httplib waits for a kept-alive connection's next request by polling
// every 10 ms, which would wake the process ~90 times a second between scrapes.
constexpr size_t kRequestsPerConnection = 1;
// How long a connected client may take to send its request (polled as above) and to read.
constexpr time_t kRequestWaitSeconds = 1;
constexpr time_t kReadTimeoutSeconds = 2;
constexpr time_t kWriteTimeoutSeconds = 5;

// Why binding failed, found by trying it once more ourselves: httplib only says that it failed.
std::string BindFailureReason(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int error = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0) {
    return gai_strerror(error);
  }
  std::string reason = "the address could not be bound";
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0) {
    reason = ErrnoText(errno);
  } else {
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) reason = ErrnoText(errno);
    close(fd);
  }
  freeaddrinfo(found);
  return reason;
}

// Address reuse (a restart while old connections linger in TIME_WAIT) and, for "::", IPv4 too.
void SetSocketOptions(socket_t fd) {
  const int yes = 1;
  const int no = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof(no));  // fails harmlessly on IPv4
}

void Reply(httplib::Response& response, const ProbeResult& result) {
  response.status = result.ok ? 200 : 503;
  response.set_content(result.ok ? std::string("ok\n") : result.reason + "\n", "text/plain");
}

std::unique_ptr<httplib::Server> MakeServer(MetricsHandlers handlers) {
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server->set_keep_alive_max_count(kRequestsPerConnection);
  server->set_keep_alive_timeout(kRequestWaitSeconds);
  server->set_read_timeout(kReadTimeoutSeconds, 0);
  server->set_write_timeout(kWriteTimeoutSeconds, 0);
  server->set_payload_max_length(4096);  // we take no bodies
  server->set_socket_options(SetSocketOptions);
  server->Get("/metrics", [metrics = std::move(handlers.metrics)](const httplib::Request&,
                                                                  httplib::Response& response) {
    response.set_content(metrics(), std::string(kMetricsContentType).c_str());
  });
  server->Get("/healthz", [healthz = std::move(handlers.healthz)](const httplib::Request&,
                                                                  httplib::Response& response) {
    Reply(response, healthz());
  });
  server->Get("/readyz", [readyz = std::move(handlers.readyz)](const httplib::Request&,
                                                               httplib::Response& response) {
    Reply(response, readyz());
  });
  return server;
}

// Binds `host` and returns the port, or -1.
int BindTo(httplib::Server& server, const std::string& host, int port) {
  if (port == 0) return server.bind_to_any_port(host);
  return server.bind_to_port(host, port) ? port : -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Bind(const ListenAddress& address,
                                                                   MetricsHandlers handlers) {
  std::unique_ptr<httplib::Server> server = MakeServer(std::move(handlers));
  // Every interface: IPv6 with IPv4 mapped where the kernel has IPv6, else IPv4 alone.
  std::vector<std::string> hosts = {address.host};
  if (address.host.empty()) hosts = {"::", "0.0.0.0"};
  std::string reason;
  for (const std::string& host : hosts) {
    const int port = BindTo(*server, host, address.port);
    if (port > 0)
      return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(server), host, port));
    if (reason.empty()) reason = BindFailureReason(host, address.port);
  }
  return absl::UnavailableError(absl::StrCat("cannot listen on --metrics-address ",
                                             FormatListenAddress(address), ": ", reason));
}

MetricsServer::MetricsServer(std::unique_ptr<httplib::Server> server, std::string host, int port)
    : server_(std::move(server)), host_(std::move(host)), port_(port) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
  // stop() only reaches a server that is running; wait for it to get there (it has nothing to
  // wait for: the socket is bound already).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string MetricsServer::url() const {
  return absl::StrCat("http://", FormatListenAddress({host_, port_}));
}

}  // namespace teedp::observe
