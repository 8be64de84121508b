#include "observe/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

#include "observe/prometheus_text.h"

namespace teedp::observe {
namespace {

MetricsHandlers FixedHandlers(std::atomic<bool>* ready) {
  return MetricsHandlers{
      .metrics = [] { return std::string("x_up 1\n"); },
      .healthz =
          [] {
            return ProbeResult{true, ""};
          },
      .readyz =
          [ready] {
            return ProbeResult{ready->load(), "not registered with the kubelet"};
          },
  };
}

TEST(MetricsServerTest, ServesMetricsAndProbesOnAnEphemeralPort) {
  std::atomic<bool> ready{false};
  auto server = MetricsServer::Bind({"127.0.0.1", 0}, FixedHandlers(&ready));
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->url(), "http://127.0.0.1:" + std::to_string((*server)->port()));
  (*server)->Start();

  httplib::Client client("127.0.0.1", (*server)->port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics) << httplib::to_string(metrics.error());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->body, "x_up 1\n");
  EXPECT_EQ(metrics->get_header_value("Content-Type"), kMetricsContentType);
  EXPECT_EQ(client.Get("/healthz")->status, 200);
  auto not_ready = client.Get("/readyz");
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_EQ(not_ready->body, "not registered with the kubelet\n");
  ready = true;
  EXPECT_EQ(client.Get("/readyz")->status, 200);
  EXPECT_EQ(client.Get("/nothing")->status, 404);
  (*server)->Stop();
  (*server)->Stop();  // idempotent
  EXPECT_FALSE(client.Get("/healthz")) << "nothing listens after Stop";
}

TEST(MetricsServerTest, ABusyPortIsAStartUpErrorNamingTheAddress) {
  std::atomic<bool> ready{true};
  auto first = MetricsServer::Bind({"127.0.0.1", 0}, FixedHandlers(&ready));
  ASSERT_TRUE(first.ok()) << first.status();
  const int port = (*first)->port();
  auto second = MetricsServer::Bind({"127.0.0.1", port}, FixedHandlers(&ready));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << second.status();
  EXPECT_NE(second.status().message().find("in use"), std::string::npos) << second.status();
}

TEST(MetricsServerTest, AnAddressThisHostDoesNotHaveIsAStartUpError) {
  std::atomic<bool> ready{true};
  auto server = MetricsServer::Bind({"192.0.2.1", 9464}, FixedHandlers(&ready));  // TEST-NET-1
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("192.0.2.1:9464: Cannot assign requested address"),
            std::string::npos)
      << server.status();
}

TEST(MetricsServerTest, EveryInterfaceTakesIpv4Clients) {
  std::atomic<bool> ready{true};
  auto server = MetricsServer::Bind({"", 0}, FixedHandlers(&ready));
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Start();
  httplib::Client client("127.0.0.1", (*server)->port());
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace teedp::observe
