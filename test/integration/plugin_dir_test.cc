// The plugin directory and kubelet.sock misbehaving: a kubelet.sock that refuses, hangs up or
// never answers, the directory missing, read-only or replaced, our socket deleted, a stale file
// in its place. The plugin stays up, retries with backoff, logs once per change of state and
// registers as soon as a working kubelet is there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "node_harness.h"

namespace teedp::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kRegisterFailed = "registration with ";
constexpr uid_t kNobody = 65534;

// A kubelet.sock nobody serves properly: bound but not listening (connections refused),
// listening and hanging up at once, or listening and never answering.
class BrokenKubelet {
 public:
  enum class Mode { kRefuse, kHangUp, kSilent };

  BrokenKubelet(const std::string& path, Mode mode) : path_(path), mode_(mode) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << path;
    if (mode == Mode::kRefuse) return;
    EXPECT_EQ(listen(fd_, 64), 0);
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~BrokenKubelet() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int fd : held_) close(fd);
    close(fd_);
    unlink(path_.c_str());
  }
  int connections() const { return connections_.load(); }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 20) <= 0) continue;
      int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      connections_.fetch_add(1);
      if (mode_ == Mode::kHangUp) {
        close(client);
      } else {
        held_.push_back(client);  // never read, never answered
      }
    }
  }

  std::string path_;
  Mode mode_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::vector<int> held_;
  std::thread thread_;
};

std::string KubeletSocket(NodeHarness& node) { return node.plugin_dir() + "/kubelet.sock"; }

const std::string kFailures =
    "tee_device_plugin_registration_failures_total{resource=\"" + std::string(kEpcResource) + "\"}";

// Waits until the plugin counted at least `count` failed Register calls (or exited).
bool FailedAtLeast(NodeHarness& node, int count) {
  return Eventually(
      [&] { return node.plugin().ExitCode().has_value() || node.Metric(kFailures) >= count; });
}

// Whether `needles` occur in `text` in this order.
bool InOrder(const std::string& text, const std::vector<std::string>& needles) {
  size_t at = 0;
  for (const std::string& needle : needles) {
    at = text.find(needle, at);
    if (at == std::string::npos) return false;
    at += needle.size();
  }
  return true;
}

// A new kubelet.sock is registered with when it appears, not when a backoff timer fires.
void ExpectRegisteredAtTheNewKubelet(NodeHarness& node) {
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  EXPECT_THAT(node.Log(), HasSubstr("kubelet.sock appeared"));
  // The plugin logs the answer after the kubelet has it: wait for the line, not just the answer.
  const std::string registered = "registered " + std::string(kEpcResource);
  EXPECT_TRUE(Eventually([&] { return node.Log().find(registered) != std::string::npos; }))
      << node.Log();
}

TEST(PluginDirTest, KubeletSockThatRefusesOrHangsUpIsRetriedWithBackoffAndLoggedOnce) {
  for (auto mode : {BrokenKubelet::Mode::kRefuse, BrokenKubelet::Mode::kHangUp}) {
    NodeHarness node("numa=1GiB", {}, /*start_kubelet=*/false);
    {
      BrokenKubelet broken(KubeletSocket(node), mode);
      ASSERT_TRUE(FailedAtLeast(node, 4)) << node.Log();
      ASSERT_FALSE(node.plugin().ExitCode().has_value()) << node.Log();
      // Each failure waits twice as long as the one before (10 ms first, 5 s at most).
      EXPECT_TRUE(InOrder(
          node.Log(), {"next attempt in 10 ms", "next attempt in 20 ms", "next attempt in 40 ms"}))
          << node.Log();
      if (mode == BrokenKubelet::Mode::kHangUp) {
        EXPECT_GE(broken.connections(), 3) << "every attempt dials the kubelet";
      }
      EXPECT_EQ(CountOccurrences(node.Log(), kRegisterFailed), 1)
          << "once per change of state, not per attempt\n"
          << node.Log();
    }
    node.StartKubelet();
    ExpectRegisteredAtTheNewKubelet(node);
  }
}

TEST(PluginDirTest, KubeletSockThatNeverAnswersTimesOutAndANewKubeletIsTakenAtOnce) {
  // A short Register deadline, so the test sees it expire twice without waiting 5 s each time.
  NodeHarness node("numa=1GiB", {"--register-timeout-ms", "200"}, /*start_kubelet=*/false);
  {
    BrokenKubelet silent(KubeletSocket(node), BrokenKubelet::Mode::kSilent);
    ASSERT_TRUE(FailedAtLeast(node, 2)) << node.Log();
    ASSERT_FALSE(node.plugin().ExitCode().has_value()) << node.Log();
    EXPECT_GE(silent.connections(), 1);
    EXPECT_EQ(CountOccurrences(node.Log(), kRegisterFailed), 1) << node.Log();
    EXPECT_THAT(node.Log(), HasSubstr("DEADLINE_EXCEEDED"));
  }
  node.StartKubelet();
  ExpectRegisteredAtTheNewKubelet(node);
}

TEST(PluginDirTest, MissingDirectoryIsCreatedAndServed) {
  NodeHarness node("numa=1GiB", {}, /*start_kubelet=*/false, /*start_plugin=*/false);
  std::filesystem::remove_all(node.plugin_dir());
  node.StartPlugin();
  ASSERT_TRUE(Eventually([&] { return std::filesystem::exists(node.socket_path()); }, kWait))
      << node.Log();
  EXPECT_THAT(node.Log(), HasSubstr("did not exist; created it"));
  node.StartKubelet();
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
}

TEST(PluginDirTest, ReadOnlyDirectoryIsWaitedOutThenServed) {
  NodeHarness node("numa=1GiB", {}, /*start_kubelet=*/true, /*start_plugin=*/false);
  // As root, permissions do not stop us: run the plugin as nobody when we can.
  std::optional<uid_t> run_as;
  if (geteuid() == 0) run_as = kNobody;
  std::filesystem::path top = std::filesystem::path(node.plugin_dir()).parent_path();
  std::filesystem::permissions(top, std::filesystem::perms(0755));
  std::filesystem::permissions(node.plugin_dir(), std::filesystem::perms(0555));
  node.StartPlugin(run_as);
  // The bind failed and was retried three times (10, 20, 40 ms after each failure).
  ASSERT_TRUE(Eventually([&] {
    return node.plugin().ExitCode().has_value() ||
           InOrder(node.Log(), {"cannot serve", "next attempt in 10 ms", "next attempt in 20 ms",
                                "next attempt in 40 ms"});
  })) << node.Log();
  ASSERT_FALSE(node.plugin().ExitCode().has_value()) << "waits, does not crash-loop\n"
                                                     << node.Log();
  EXPECT_FALSE(std::filesystem::exists(node.socket_path()));
  // Ours, once; gRPC itself prints an error line for each failed bind, which we do not control.
  EXPECT_EQ(CountOccurrences(node.Log(), "error cannot serve"), 1) << node.Log();
  std::filesystem::permissions(node.plugin_dir(), std::filesystem::perms(0777));
  // The kubelet (root) made kubelet.sock; a plugin running as nobody must be able to dial it.
  std::filesystem::permissions(node.plugin_dir() + "/kubelet.sock", std::filesystem::perms(0777));
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  EXPECT_THAT(node.Log(), HasSubstr("serving " + std::string(kEpcResource)));
}

// Removes `dir` while the plugin may still be putting its socket back into it (it sees its socket
// deleted before the directory goes): a file created mid-way makes one pass fail, so try again.
void RemoveWhileThePluginReacts(const std::string& dir) {
  std::error_code error;
  const bool removed = Eventually([&] {
    std::filesystem::remove_all(dir, error);
    return !error;
  });
  ASSERT_TRUE(removed) << "cannot remove " << dir << ": " << error.message();
}

TEST(PluginDirTest, DirectoryReplacedIsFollowedToTheNewOne) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  for (bool rename_away : {true, false}) {
    const int before = node.kubelet().Resource(kEpcResource)->registrations;
    if (rename_away) {
      std::filesystem::rename(node.plugin_dir(), node.plugin_dir() + ".old");
    } else {
      RemoveWhileThePluginReacts(node.plugin_dir());
    }
    std::filesystem::create_directories(node.plugin_dir());
    // The kubelet that made the new directory serves its kubelet.sock there.
    ASSERT_TRUE(node.kubelet().Restart().ok());
    auto view = node.WaitRegistered(before + 1);
    ASSERT_TRUE(view) << node.Log();
    EXPECT_TRUE(std::filesystem::exists(node.socket_path()));
    auto response =
        node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 1)}));
    EXPECT_TRUE(response.ok()) << response.status();
    std::filesystem::remove_all(node.plugin_dir() + ".old");
  }
  EXPECT_FALSE(node.plugin().ExitCode().has_value());
}

TEST(PluginDirTest, OwnSocketDeletedOrMovedAwayIsServedAgain) {
  NodeHarness node("numa=1GiB");
  ASSERT_TRUE(node.WaitRegistered()) << node.Log();
  std::filesystem::remove(node.socket_path());
  ASSERT_TRUE(node.WaitRegistered(2)) << node.Log();
  EXPECT_TRUE(std::filesystem::exists(node.socket_path()));
  std::filesystem::rename(node.socket_path(), node.plugin_dir() + "/elsewhere.sock");
  auto view = node.WaitRegistered(3);
  ASSERT_TRUE(view) << node.Log();
  auto response =
      node.kubelet().Allocate(kEpcResource, MakeAllocateRequest({HealthyIds(*view, 1)}));
  EXPECT_TRUE(response.ok()) << response.status();
}

TEST(PluginDirTest, StaleFilesInPlaceOfTheSocketAreTakenOver) {
  // A socket of a killed run (nobody listens), or a plain file, where our socket goes.
  for (bool stale_socket : {true, false}) {
    NodeHarness node("numa=1GiB", {}, /*start_kubelet=*/true, /*start_plugin=*/false);
    if (stale_socket) {
      const std::string bound = node.plugin_dir() + "/bound";
      BrokenKubelet dead(bound, BrokenKubelet::Mode::kRefuse);
      // Moved into place, so closing `dead` leaves the file behind, as a killed process does.
      std::filesystem::rename(bound, node.socket_path());
      ASSERT_TRUE(std::filesystem::is_socket(node.socket_path()));
    } else {
      std::ofstream(node.socket_path()) << "not a socket";
    }
    node.StartPlugin();
    ASSERT_TRUE(node.WaitRegistered()) << node.Log();
    EXPECT_TRUE(std::filesystem::is_socket(node.socket_path()));
  }
}

}  // namespace
}  // namespace teedp::testing
