// PluginEndpoint in-process against the kubelet emulator: one registration per kubelet restart, a
// kubelet.sock that never answers retried with backoff and logged once, the directory replaced.
// The endpoint runs on its own EventLoop thread while gRPC's threads deliver results, which makes
// this the kubelet edge's TSan test (scripts/test.sh).
#include "kubelet/plugin_endpoint.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "common/mutex.h"
#include "kubelet_emulator.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace teedp::kubelet {
namespace {

constexpr const char* kResource = "example.com/epc";
using ::teedp::testing::Eventually;
using ::teedp::testing::kWait;

// Keeps every log line; lines() may be called while other threads log.
class CapturingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  int Count(const std::string& needle) {
    int count = 0;
    for (const std::string& line : lines()) count += line.find(needle) != std::string::npos;
    return count;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.emplace_back(message.payload.data(), message.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

std::shared_ptr<const PluginSnapshot> Snapshot() {
  auto plan = std::make_shared<resources::ResourcePlan>();
  plan->resource_name = kResource;
  plan->unit_count = 16;
  plan->blocks = {{-1, 0, 16}};
  plan->healthy = true;
  plan->container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  return MakeSnapshot(1, plan);
}

class PluginEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<CapturingSink>();
    previous_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
    auto loop = EventLoop::Create();
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = std::move(loop).value();
    store_ = std::make_unique<SnapshotStore>(Snapshot());
    thread_ = std::thread([this] { loop_->Run(); });
  }
  void TearDown() override {
    OnLoop([this] {
      if (endpoint_ != nullptr) endpoint_->Shutdown(std::chrono::milliseconds(0));
      endpoint_.reset();
    });
    loop_->Quit();
    thread_.join();
    kubelet_.reset();
    EXPECT_TRUE(store_->WaitForNoWatchers(absl::Seconds(5)));
    spdlog::set_default_logger(previous_logger_);
  }
  // Endpoint methods belong to the loop's thread.
  void OnLoop(std::function<void()> fn) {
    std::promise<void> done;
    loop_->Post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }
  absl::Status StartEndpoint(std::chrono::milliseconds register_timeout) {
    absl::Status status;
    OnLoop([&] {
      endpoint_ = std::make_unique<PluginEndpoint>(
          loop_.get(), store_.get(),
          PluginEndpoint::Options{dir_, kResource, register_timeout, nullptr});
      status = endpoint_->Start();
    });
    return status;
  }
  void StartKubelet() {
    auto kubelet = emulator::KubeletEmulator::Start({.plugin_dir = dir_});
    ASSERT_TRUE(kubelet.ok()) << kubelet.status();
    kubelet_ = std::move(kubelet).value();
  }
  std::optional<emulator::ResourceView> WaitRegistered(int count) {
    return kubelet_->WaitFor(
        kResource,
        [count](const emulator::ResourceView& view) {
          return view.registrations >= count && view.stream_open && !view.devices.empty();
        },
        kWait);
  }

  testing::TempDir temp_dir_;
  const std::string dir_ = temp_dir_.path();
  std::shared_ptr<CapturingSink> sink_;
  std::shared_ptr<spdlog::logger> previous_logger_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<SnapshotStore> store_;
  std::unique_ptr<PluginEndpoint> endpoint_;
  std::unique_ptr<emulator::KubeletEmulator> kubelet_;
  std::thread thread_;
};

TEST_F(PluginEndpointTest, OneRegistrationPerKubeletRestart) {
  StartKubelet();
  ASSERT_TRUE(StartEndpoint(std::chrono::seconds(5)).ok());
  ASSERT_TRUE(WaitRegistered(1));
  for (int cycle = 1; cycle <= 10; ++cycle) {
    ASSERT_TRUE(kubelet_->Restart().ok());
    auto view = WaitRegistered(cycle + 1);
    ASSERT_TRUE(view) << "restart " << cycle;
    EXPECT_EQ(view->registrations, cycle + 1);
    EXPECT_EQ(view->devices.size(), 16u);
  }
  // The kubelet sees a registration a moment before the endpoint's loop hears back.
  EXPECT_TRUE(Eventually([this] { return endpoint_->registrations() >= 11u; }));
  OnLoop([] {});  // the loop has handled every event queued so far
  EXPECT_EQ(kubelet_->Resource(kResource)->registrations, 11);
  EXPECT_EQ(endpoint_->registrations(), 11u);
  EXPECT_EQ(endpoint_->kubelet_restarts_seen(), 10u);
  EXPECT_TRUE(endpoint_->registered());
}

// A kubelet.sock whose backlog takes connections that nobody ever answers.
int SilentListener(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_EQ(listen(fd, 64), 0);
  return fd;
}

TEST_F(PluginEndpointTest, SilentKubeletIsRetriedWithBackoffLoggedOnceThenReplaced) {
  const int silent = SilentListener(dir_ + "/kubelet.sock");
  ASSERT_TRUE(StartEndpoint(std::chrono::milliseconds(100)).ok());
  // Three deadlines expired, each one retried: the failures are counted, the log says it once.
  ASSERT_TRUE(Eventually([this] { return endpoint_->registration_failures() >= 3u; }));
  EXPECT_FALSE(endpoint_->registered());
  EXPECT_EQ(sink_->Count("registration with"), 1) << "once per change of state";
  EXPECT_EQ(sink_->Count("DEADLINE_EXCEEDED"), 1);
  close(silent);
  unlink((dir_ + "/kubelet.sock").c_str());
  StartKubelet();
  ASSERT_TRUE(WaitRegistered(1));
  EXPECT_TRUE(Eventually([this] { return endpoint_->registered(); }));
  EXPECT_TRUE(Eventually([this] { return sink_->Count("registered example.com/epc") == 1; }));
}

TEST_F(PluginEndpointTest, ReplacedDirectoryIsFollowed) {
  StartKubelet();
  ASSERT_TRUE(StartEndpoint(std::chrono::seconds(5)).ok());
  ASSERT_TRUE(WaitRegistered(1));
  kubelet_.reset();
  std::filesystem::rename(dir_, dir_ + ".old");
  std::filesystem::create_directories(dir_);
  StartKubelet();
  ASSERT_TRUE(WaitRegistered(1)) << "a new emulator counts from zero";
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/epc.sock"));
  EXPECT_EQ(sink_->Count("was removed or replaced"), 1);
  std::filesystem::remove_all(dir_ + ".old");
}

// Holds the endpoint's Register callback on gRPC's thread, just before `done`, until released;
// records what happened meanwhile.
class CallbackGate {
 public:
  void Hold() {
    {
      teedp::MutexLock lock(&mutex_);  // its release wakes WaitHeld (Await alone would not)
      held_ = true;
    }
    teedp::MutexLock lock(&mutex_);
    mutex_.Await([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return released_; });
  }
  void WaitHeld() {
    teedp::MutexLock lock(&mutex_);
    mutex_.Await([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return held_; });
  }
  void NoteDestructorWaits() {
    teedp::MutexLock lock(&mutex_);
    destructor_waited_ = true;
  }
  void NoteDestroyed() {
    teedp::MutexLock lock(&mutex_);
    destroyed_ = true;
  }
  // Releases the callback once the endpoint is gone or its destructor waits for the callback.
  void ReleaseAfterDestruction() {
    teedp::MutexLock lock(&mutex_);
    mutex_.Await([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return destroyed_ || destructor_waited_;
    });
    released_ = true;
  }
  bool destructor_waited() {
    teedp::MutexLock lock(&mutex_);
    return destructor_waited_;
  }

 private:
  teedp::Mutex mutex_;
  bool held_ ABSL_GUARDED_BY(mutex_) = false;
  bool released_ ABSL_GUARDED_BY(mutex_) = false;
  bool destructor_waited_ ABSL_GUARDED_BY(mutex_) = false;
  bool destroyed_ ABSL_GUARDED_BY(mutex_) = false;
};

// The Register callback posts to the loop the endpoint borrowed, so the endpoint's destructor
// must not return before it has: the owner frees the endpoint, then the loop (as the daemon does
// once its loop stopped). Were the call counted out before its callback ran, the endpoint would
// be destroyed with the callback held, which then reads the freed endpoint (ASan reports it).
TEST_F(PluginEndpointTest, DestructorWaitsForARegisterCallbackStillRunning) {
  StartKubelet();
  auto own_loop = EventLoop::Create();  // never run: posted results stay queued, as at exit
  ASSERT_TRUE(own_loop.ok()) << own_loop.status();
  CallbackGate gate;
  auto endpoint = std::make_unique<PluginEndpoint>(
      own_loop->get(), store_.get(),
      PluginEndpoint::Options{dir_, kResource, std::chrono::seconds(5), nullptr});
  // Another client's channel, as a daemon serving a second resource has: it keeps gRPC's
  // callback threads alive, so tearing down the endpoint's own channel does not wait for them.
  // Its call also starts those threads after the endpoint exists: TSan cannot see gRPC hand the
  // endpoint to a thread that existed before it, only a thread's start.
  RegistrationClient other;
  std::promise<void> other_done;
  other.Register(dir_ + "/nobody.sock", MakeRegisterRequest("example.com/other", "other.sock"),
                 std::chrono::seconds(5), [&other_done](absl::Status) { other_done.set_value(); });
  other_done.get_future().wait();
  endpoint->SetRegistrationTestHooks({.before_done = [&gate] { gate.Hold(); },
                                      .destructor_waits = [&gate] { gate.NoteDestructorWaits(); }});
  ASSERT_TRUE(endpoint->Start().ok());
  gate.WaitHeld();  // the kubelet answered; gRPC's thread is about to call `done`
  std::thread destroyer([&] {
    endpoint.reset();
    gate.NoteDestroyed();
  });
  gate.ReleaseAfterDestruction();
  destroyer.join();
  EXPECT_TRUE(gate.destructor_waited()) << "the endpoint was destroyed while `done` was pending";
  auto view = kubelet_->Resource(kResource);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->registrations, 1);
}

}  // namespace
}  // namespace teedp::kubelet
