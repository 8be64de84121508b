// Load: 8 clients call Allocate as fast as they can on their own connections while the kubelet
// restarts every second. Reports throughput and latency; the only errors allowed are connection
// losses (UNAVAILABLE, CANCELLED) from the moment a restart begins until shortly after the plugin
// re-registered. TEE_LOAD_SECONDS sets the duration (5 in the suite, 60 in scripts/soak.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "plugin_calls.h"
#include "plugin_process.h"

namespace teedp::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kClients = 8;
// After re-registering, clients may still hold a connection to the retired server or sit in a
// short reconnect backoff.
constexpr std::chrono::milliseconds kSettle{500};

int LoadSeconds() {
  const char* text = std::getenv("TEE_LOAD_SECONDS");
  int seconds = text == nullptr ? 5 : std::atoi(text);
  return seconds > 0 ? seconds : 5;
}

struct ClientResult {
  std::vector<int64_t> latencies_us;
  std::vector<std::pair<Clock::time_point, absl::Status>> errors;
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
               Clock::time_point until, ClientResult* out) {
  auto stub = v1beta1::DevicePlugin::NewStub(Dial(socket));
  const v1beta1::AllocateRequest request = MakeAllocateRequest({ids});
  while (Clock::now() < until) {
    auto start = Clock::now();
    auto response = emulator::CallAllocate(*stub, request, std::chrono::seconds(2));
    auto end = Clock::now();
    if (response.ok()) {
      out->latencies_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(end - start).count());
    } else {
      out->errors.emplace_back(end, response.status());
      // Fail-fast while the socket is being replaced; do not spin the CPU the plugin needs.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

struct RestartWindow {
  Clock::time_point begin;
  Clock::time_point end;
};

// Restarts the kubelet every second until `until`; each window spans a restart until the plugin
// re-registered plus kSettle. False when a restart was not followed by a registration.
bool RunRestarts(NodeHarness& node, Clock::time_point until, std::vector<RestartWindow>* windows) {
  int registrations = node.kubelet().Resource(kEpcResource)->registrations;
  while (Clock::now() + std::chrono::seconds(1) < until) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    RestartWindow window{Clock::now(), {}};
    if (!node.kubelet().Restart().ok()) return false;
    if (!node.WaitRegistered(++registrations)) return false;
    window.end = Clock::now() + kSettle;
    windows->push_back(window);
  }
  return true;
}

bool Expected(const std::pair<Clock::time_point, absl::Status>& error,
              const std::vector<RestartWindow>& windows) {
  const absl::StatusCode code = error.second.code();
  if (code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kCancelled) return false;
  return std::any_of(windows.begin(), windows.end(), [&](const RestartWindow& window) {
    return error.first >= window.begin && error.first <= window.end;
  });
}

TEST(LoadTest, EightClientsAllocateWhileTheKubeletRestartsEverySecond) {
  const int seconds = LoadSeconds();
  NodeHarness node("numa=4GiB,4GiB");
  auto view = node.WaitRegistered();
  ASSERT_TRUE(view) << node.Log();
  std::vector<std::string> ids = HealthyIds(*view, kClients * 4);
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  std::vector<ClientResult> results(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    std::vector<std::string> mine(ids.begin() + i * 4, ids.begin() + i * 4 + 4);
    clients.emplace_back(RunClient, node.socket_path(), mine, until, &results[i]);
  }
  std::vector<RestartWindow> windows;
  const bool restarts_ok = RunRestarts(node, until, &windows);
  for (std::thread& client : clients) client.join();
  ASSERT_TRUE(restarts_ok) << "a restart was not followed by a registration\n" << node.Log();

  std::vector<int64_t> latencies;
  int expected = 0;
  Clock::duration longest_outage{};  // from a restart's start to its last error
  std::vector<std::string> unexpected;
  for (const ClientResult& result : results) {
    latencies.insert(latencies.end(), result.latencies_us.begin(), result.latencies_us.end());
    for (const auto& error : result.errors) {
      if (Expected(error, windows)) {
        ++expected;
        for (const RestartWindow& window : windows) {
          if (error.first >= window.begin && error.first <= window.end) {
            longest_outage = std::max(longest_outage, error.first - window.begin);
          }
        }
      } else if (unexpected.size() < 10) {
        unexpected.push_back(error.second.ToString());
      }
    }
  }
  ASSERT_FALSE(latencies.empty());
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "LOAD %d clients, %d s, %zu kubelet restarts: %zu Allocates = %.0f/s; p50 %lld us, p99 %lld "
      "us, max %lld us; %d expected errors during restarts (errors end at most %lld ms after a "
      "restart began), %zu unexpected\n",
      kClients, seconds, windows.size(), latencies.size(), double(latencies.size()) / seconds,
      static_cast<long long>(latencies[latencies.size() / 2]),
      static_cast<long long>(latencies[latencies.size() * 99 / 100]),
      static_cast<long long>(latencies.back()), expected,
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(longest_outage).count()),
      unexpected.size());
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  EXPECT_GE(windows.size(), static_cast<size_t>(std::max(1, seconds - 2)));
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

}  // namespace
}  // namespace teedp::testing
