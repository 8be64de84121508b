#include "kubelet/plugin_endpoint.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "resources/resource_name.h"

namespace teedp::kubelet {
namespace {

// Short first: the kubelet binds kubelet.sock a moment before it listens on it.
constexpr std::chrono::milliseconds kFirstBackoff{10};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::milliseconds kDirectoryRecheck{500};
constexpr std::chrono::milliseconds kReregisterPause{100};

}  // namespace

std::string SocketNameFor(std::string_view resource_name) {
  return std::string(resources::NamePart(resource_name)) + ".sock";
}

PluginEndpoint::PluginEndpoint(EventLoop* loop, SnapshotStore* store, Options options)
    : loop_(loop),
      options_(std::move(options)),
      socket_name_(SocketNameFor(options_.resource_name)),
      store_(store) {}

PluginEndpoint::~PluginEndpoint() { Shutdown(std::chrono::milliseconds(0)); }

std::string PluginEndpoint::KubeletSocket() const {
  return options_.plugin_dir + "/" + kKubeletSocketName;
}

absl::Status PluginEndpoint::Start() {
  std::error_code error;
  if (!std::filesystem::is_directory(options_.plugin_dir, error)) {
    std::filesystem::create_directories(options_.plugin_dir, error);
    if (error) {
      return absl::UnavailableError(absl::StrCat("cannot create plugin directory ",
                                                 options_.plugin_dir, ": ", error.message()));
    }
    spdlog::warn("plugin directory {} did not exist; created it", options_.plugin_dir);
  }
  TEE_RETURN_IF_ERROR(WatchDirectory());
  // The kubelet's connection comes up while our server starts (Register follows Serve).
  const bool kubelet_running = std::filesystem::exists(KubeletSocket(), error);
  if (kubelet_running) registration_.Connect(KubeletSocket());
  if (absl::Status status = Serve(); !status.ok()) {
    // Another instance answering, or a path no socket can have: waiting would not help. A
    // directory we cannot bind in (read-only for now, being replaced) may heal: retry.
    if (status.code() != absl::StatusCode::kUnavailable) return status;
    NoteFailure("serve", status);
    ScheduleRetry();
    return absl::OkStatus();
  }
  if (kubelet_running) {
    Register();
  } else {
    spdlog::info("kubelet not running yet ({} missing); waiting for it", KubeletSocket());
  }
  return absl::OkStatus();
}

absl::Status PluginEndpoint::WatchDirectory() {
  if (watcher_ != nullptr) loop_->Unwatch(watcher_->fd());
  TEE_ASSIGN_OR_RETURN(watcher_, PluginDirWatcher::Create(options_.plugin_dir, socket_name_));
  return loop_->Watch(watcher_->fd(), [this] { OnDirectoryEvents(); });
}

absl::Status PluginEndpoint::Serve() {
  RetireServer(std::chrono::milliseconds(0));
  TEE_ASSIGN_OR_RETURN(
      server_, PluginServer::Start(options_.plugin_dir + "/" + socket_name_, store_, &counters_));
  spdlog::info("serving {} on {}", options_.resource_name, server_->socket_path());
  serve_failures_.Clear();
  return absl::OkStatus();
}

void PluginEndpoint::NoteFailure(const std::string& what, const absl::Status& status) {
  // Keyed by the code, not the message: gRPC's messages vary from one attempt to the next
  // ("Socket closed", "Connection reset by peer") while nothing changed for the operator.
  const std::string code = absl::StatusCodeToString(status.code());
  if (what == "register") {
    if (!register_failures_.Note(code)) return;
    spdlog::warn("registration with {} failed ({}); retrying with backoff", KubeletSocket(),
                 status.ToString());
  } else {
    if (!serve_failures_.Note(code)) return;
    spdlog::error("cannot serve {} in {}: {}; retrying with backoff", options_.resource_name,
                  options_.plugin_dir, status.ToString());
  }
}

void PluginEndpoint::OnDirectoryEvents() {
  PluginDirEvents events = watcher_->ReadEvents();
  if (shut_down_) return;
  if (events.directory_gone) return OnDirectoryGone();
  // A delete event may be our own doing (a stale file removed at start, a re-serve); only a
  // socket file that is no longer the one we bound counts as lost.
  bool socket_lost = (events.own_socket_removed || events.overflowed) &&
                     (server_ == nullptr || !server_->SocketIsOurs());
  if (socket_lost) {
    registered_ = false;
    spdlog::warn("socket {}/{} was removed; serving it again", options_.plugin_dir, socket_name_);
    if (absl::Status status = Serve(); !status.ok()) {
      NoteFailure("serve", status);
      return ScheduleRetry();
    }
  }
  if (events.kubelet_socket_created) {
    // A new kubelet: start the backoff over, or a kubelet that appears after a long outage waits
    // out the delay the old one earned (it binds kubelet.sock a moment before it listens).
    backoff_ = std::chrono::milliseconds(0);
    kubelet_restarts_.fetch_add(1);
    spdlog::info("kubelet.sock appeared: kubelet (re)started; registering");
    return Register();
  }
  if (socket_lost || events.overflowed) {
    // A kubelet restart wipes our socket first and creates kubelet.sock a moment later; wait
    // briefly for that so one restart means one Register. If only our socket went (someone
    // deleted it), the same kubelet gets us back after the pause.
    CancelRetry();
    retry_timer_ = loop_->AddTimer(kReregisterPause, [this] {
      retry_timer_ = 0;
      Register();
    });
  }
}

void PluginEndpoint::OnDirectoryGone() {
  registered_ = false;
  loop_->Unwatch(watcher_->fd());
  spdlog::warn("plugin directory {} was removed or replaced; waiting for it", options_.plugin_dir);
  // The directory's own watch died with it; check back until a new one exists.
  CancelRetry();
  retry_timer_ = loop_->AddTimer(kDirectoryRecheck, [this] {
    retry_timer_ = 0;
    std::error_code error;
    if (!std::filesystem::is_directory(options_.plugin_dir, error) || !WatchDirectory().ok()) {
      return OnDirectoryGone();
    }
    spdlog::info("plugin directory {} is back", options_.plugin_dir);
    if (absl::Status status = Serve(); !status.ok()) {
      NoteFailure("serve", status);
      return ScheduleRetry();
    }
    Register();
  });
}

void PluginEndpoint::Register() {
  CancelRetry();
  uint64_t attempt = ++attempt_;
  attempt_started_ = std::chrono::steady_clock::now();
  registration_.Register(KubeletSocket(), MakeRegisterRequest(options_.resource_name, socket_name_),
                         options_.register_timeout, [this, attempt](const absl::Status& status) {
                           loop_->Post([this, attempt, status] { OnRegistered(attempt, status); });
                         });
}

void PluginEndpoint::OnRegistered(uint64_t attempt, const absl::Status& status) {
  registration_.ReleaseFinished();
  if (shut_down_) return;
  // Accepted is accepted, even when a newer attempt (a kubelet restarting again) superseded it.
  if (status.ok()) registrations_.fetch_add(1);
  if (!status.ok()) registration_failures_.fetch_add(1);
  if (attempt != attempt_) return;  // superseded by a newer attempt
  if (status.ok()) {
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - attempt_started_);
    registered_ = true;
    backoff_ = std::chrono::milliseconds(0);
    register_failures_.Clear();
    spdlog::info("registered {} with the kubelet ({} us)", options_.resource_name, took.count());
    if (options_.on_registered) options_.on_registered();
    return;
  }
  registered_ = false;
  NoteFailure("register", status);
  ScheduleRetry();
}

void PluginEndpoint::ScheduleRetry() {
  backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
  spdlog::debug("{}: next attempt in {} ms", options_.resource_name, backoff_.count());
  CancelRetry();
  retry_timer_ = loop_->AddTimer(backoff_, [this] {
    retry_timer_ = 0;
    if (server_ == nullptr || !server_->SocketIsOurs()) {
      if (absl::Status status = Serve(); !status.ok()) {
        NoteFailure("serve", status);
        return ScheduleRetry();
      }
    }
    std::error_code error;
    // No kubelet.sock: the directory watch reports the kubelet's start; nothing to poll for.
    if (std::filesystem::exists(KubeletSocket(), error)) Register();
  });
}

void PluginEndpoint::CancelRetry() {
  if (retry_timer_ != 0) loop_->CancelTimer(retry_timer_);
  retry_timer_ = 0;
}

void PluginEndpoint::RetireServer(std::chrono::milliseconds grace) {
  JoinRetiredServers();
  if (server_ == nullptr) return;
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([server = std::move(server_), grace, done]() mutable {
    server->Shutdown(grace);
    server.reset();
    done->store(true);
  });
  retiring_.push_back({std::move(thread), std::move(done)});
}

void PluginEndpoint::JoinRetiredServers() {
  std::erase_if(retiring_, [](Retiring& retiring) {
    if (!retiring.done->load()) return false;
    retiring.thread.join();
    return true;
  });
}

bool PluginEndpoint::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return retiring_.empty();
  shut_down_ = true;
  CancelRetry();
  registration_.CancelAll();
  if (watcher_ != nullptr) loop_->Unwatch(watcher_->fd());
  registered_ = false;
  // At once, whatever the streams do: a kubelet must not find a socket nobody serves.
  if (server_ != nullptr) server_->RemoveSocketIfOurs();
  RetireServer(grace);
  auto deadline = std::chrono::steady_clock::now() + grace + std::chrono::milliseconds(500);
  while (!retiring_.empty() && std::chrono::steady_clock::now() < deadline) {
    JoinRetiredServers();
    if (!retiring_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (retiring_.empty()) return true;
  spdlog::warn("a kubelet connection is still open after shutdown; leaving it behind");
  for (Retiring& retiring : retiring_) retiring.thread.detach();
  retiring_.clear();
  return false;
}

}  // namespace teedp::kubelet
