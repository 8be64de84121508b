// Load: 8 clients call Allocate as fast as they can on their own connections while the kubelet
// restarts again and again. Each restart waits until every client made progress since the last
// one, so the pace follows the clients, not the clock. Reports throughput and latency; the only
// errors allowed are connection losses (UNAVAILABLE, CANCELLED), only once restarts began, and
// every client answers again after the last restart. TEE_LOAD_RESTARTS sets the number of
// restarts (5 in the suite, 60 in scripts/soak.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "node_harness.h"
#include "plugin_calls.h"

namespace teedp::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kClients = 8;
// Answered calls each client makes between two restarts.
constexpr int kCallsBetweenRestarts = 20;

int RestartsWanted() { return PositiveIntFromEnv("TEE_LOAD_RESTARTS", 5); }

struct ClientResult {
  std::atomic<int> answered{0};
  std::vector<int64_t> latencies_us;
  // The restart count when the error came, and the error.
  std::vector<std::pair<int, absl::Status>> errors;
};

// Like a kubelet, but impatient: its own channel, reconnecting within 10-100 ms.
std::shared_ptr<grpc::Channel> Dial(const std::string& socket) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel("unix://" + socket, grpc::InsecureChannelCredentials(), args);
}

void RunClient(const std::string& socket, const std::vector<std::string>& ids,
               const std::atomic<int>* restarts, const std::atomic<bool>* stop, ClientResult* out) {
  auto stub = v1beta1::DevicePlugin::NewStub(Dial(socket));
  const v1beta1::AllocateRequest request = MakeAllocateRequest({ids});
  while (!stop->load()) {
    auto start = Clock::now();
    auto response = emulator::CallAllocate(*stub, request, std::chrono::seconds(2));
    auto end = Clock::now();
    if (response.ok()) {
      out->latencies_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(end - start).count());
      out->answered.fetch_add(1);
    } else {
      out->errors.emplace_back(restarts->load(), response.status());
      // Fail-fast while the socket is being replaced: pace the retries so this client does not
      // spin the CPU the plugin needs. Nothing waits on this pause.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

// Every client answered `more` calls beyond `since` (one entry per client).
bool AllProgressed(const std::vector<ClientResult>& results, std::vector<int>& since, int more) {
  const bool progressed = Eventually([&] {
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].answered.load() < since[i] + more) return false;
    }
    return true;
  });
  for (size_t i = 0; i < results.size(); ++i) since[i] = results[i].answered.load();
  return progressed;
}

TEST(LoadTest, EightClientsAllocateWhileTheKubeletRestarts) {
  const int wanted = RestartsWanted();
  NodeHarness node("numa=4GiB,4GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::vector<std::string> ids = HealthyIds(*view, kClients * 4);
  std::vector<ClientResult> results(kClients);
  std::atomic<int> restarts{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  const auto started = Clock::now();
  for (int i = 0; i < kClients; ++i) {
    std::vector<std::string> mine(ids.begin() + i * 4, ids.begin() + i * 4 + 4);
    clients.emplace_back(RunClient, node.socket_path(), mine, &restarts, &stop, &results[i]);
  }
  std::vector<int> since(kClients, 0);
  bool restarts_ok = AllProgressed(results, since, kCallsBetweenRestarts);
  for (int restart = 1; restarts_ok && restart <= wanted; ++restart) {
    restarts.store(restart);
    restarts_ok = node.kubelet().Restart().ok() && node.WaitRegistered(restart + 1) &&
                  AllProgressed(results, since, kCallsBetweenRestarts);
  }
  stop.store(true);
  for (std::thread& client : clients) client.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_TRUE(restarts_ok) << "after restart " << restarts.load()
                           << " the plugin did not re-register or a client got no answers\n"
                           << node.Log();

  std::vector<int64_t> latencies;
  int expected = 0;
  std::vector<std::string> unexpected;
  for (const ClientResult& result : results) {
    latencies.insert(latencies.end(), result.latencies_us.begin(), result.latencies_us.end());
    for (const auto& [during, status] : result.errors) {
      const bool lost_connection = status.code() == absl::StatusCode::kUnavailable ||
                                   status.code() == absl::StatusCode::kCancelled;
      if (lost_connection && during > 0) {
        ++expected;
      } else if (unexpected.size() < 10) {
        unexpected.push_back("before restart " + std::to_string(during + 1) + ": " +
                             status.ToString());
      }
    }
  }
  ASSERT_FALSE(latencies.empty());
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "LOAD %d clients, %d kubelet restarts in %.1f s: %zu Allocates = %.0f/s; p50 %lld us, p99 "
      "%lld us, max %lld us; %d expected errors during restarts, %zu unexpected\n",
      kClients, wanted, seconds, latencies.size(), double(latencies.size()) / seconds,
      static_cast<long long>(latencies[latencies.size() / 2]),
      static_cast<long long>(latencies[latencies.size() * 99 / 100]),
      static_cast<long long>(latencies.back()), expected, unexpected.size());
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_EQ(node.kubelet().Resource(kEpcResource)->registrations, wanted + 1);
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

}  // namespace
}  // namespace teedp::testing
