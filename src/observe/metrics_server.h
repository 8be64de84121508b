// Provides MetricsServer, the daemon's HTTP endpoint (cpp-httplib): GET /metrics (Prometheus
// text), /healthz (liveness) and /readyz (readiness). It binds at construction, so a bad or busy
// address is a start-up error, and serves on one accept thread plus a pool of two workers; an
// idle server sleeps in accept(2) and never wakes on its own.
// Thread safety: Bind/Start/Stop from one thread; the handlers run on the worker threads and must
// be safe there.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "observe/listen_address.h"

namespace httplib {
class Server;
}

namespace teedp::observe {

// What a probe handler answers: ok gives 200 "ok", otherwise 503 with the reason.
struct ProbeResult {
  bool ok = false;
  std::string reason;
};

struct MetricsHandlers {
  std::function<std::string()> metrics;  // the exposition text
  std::function<ProbeResult()> healthz;
  std::function<ProbeResult()> readyz;
};

class MetricsServer {
 public:
  // Binds `address` (an empty host means every interface: IPv6 and IPv4 where the kernel has
  // IPv6, else IPv4). Unavailable naming the address and the system's reason when it cannot.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Bind(const ListenAddress& address,
                                                             MetricsHandlers handlers);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Starts accepting on a thread of its own.
  void Start();
  // Stops accepting, finishes requests in flight and joins the threads. Idempotent.
  void Stop();

  // The bound port (the kernel's choice when the address asked for port 0).
  int port() const { return port_; }
  // "http://127.0.0.1:9464" style; the host as bound ("[::]" or "0.0.0.0" for every interface).
  std::string url() const;

 private:
  MetricsServer(std::unique_ptr<httplib::Server> server, std::string host, int port);

  std::unique_ptr<httplib::Server> server_;
  std::string host_;
  int port_;
  std::thread thread_;
};

}  // namespace teedp::observe
