#include "plugin_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace teedp::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path, std::optional<uid_t> run_as = std::nullopt) {
  std::vector<char*> argv;
  std::string binary = TEE_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copies = args;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) {
      _exit(126);
    }
    if (run_as && (setgid(*run_as) != 0 || setuid(*run_as) != 0)) _exit(125);
    // The test runner may block signals; the plugin must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

std::optional<int> DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}

}  // namespace

CommandResult RunBinary(const std::vector<std::string>& args) {
  TempDir dir;
  pid_t pid = Spawn(args, dir.path() + "/out", dir.path() + "/err");
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.exit_code = DecodeWaitStatus(status).value_or(-1);
  result.out = ReadAll(dir.path() + "/out");
  result.err = ReadAll(dir.path() + "/err");
  return result;
}

int OpenFdCount(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error);
  if (error) return -1;
  int count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) ++count;
  return count;
}

long RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TempDir::TempDir() {
  char path[] = "/tmp/teeit-XXXXXX";
  if (mkdtemp(path) == nullptr) std::abort();
  path_ = path;
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

PluginProcess::PluginProcess(const std::vector<std::string>& args, const std::string& log_dir,
                             std::optional<uid_t> run_as)
    : log_path_(log_dir + "/plugin.log") {
  std::vector<std::string> full = {"serve"};
  // Never serve's defaults here: a fixed port (tests run in parallel), NFD's directory in /etc,
  // the real kubelet's PodResources socket.
  for (const auto& [flag, value] :
       {std::pair<std::string, std::string>{"--metrics-address", "127.0.0.1:0"},
        {"--nfd-features-dir", ""},
        {"--pod-resources-socket", ""}}) {
    if (std::find(args.begin(), args.end(), flag) == args.end()) {
      full.insert(full.end(), {flag, value});
    }
  }
  full.insert(full.end(), args.begin(), args.end());
  pid_ = Spawn(full, log_dir + "/plugin.out", log_path_, run_as);
}

PluginProcess::~PluginProcess() {
  if (!ExitCode()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::optional<int> PluginProcess::ExitCode() {
  if (exit_code_) return exit_code_;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) exit_code_ = DecodeWaitStatus(status);
  return exit_code_;
}

std::optional<int> PluginProcess::SignalAndWait(int signal, std::chrono::milliseconds timeout) {
  kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = ExitCode()) return code;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return ExitCode();
}

std::string PluginProcess::Log() const { return ReadAll(log_path_); }

NodeHarness::NodeHarness(const std::string& spec, std::vector<std::string> extra_args,
                         bool start_kubelet, bool start_plugin)
    : root_(dir_.path() + "/host"),
      plugin_dir_(dir_.path() + "/dp"),
      nfd_dir_(dir_.path() + "/nfd") {
  std::filesystem::create_directories(plugin_dir_);
  std::filesystem::create_directories(nfd_dir_);
  auto node = hw::ParseSimulatedNodeSpec(spec);
  EXPECT_TRUE(node.ok()) << node.status();
  EXPECT_TRUE(hw::WriteSimulatedNode(root_, *node).ok());
  if (start_kubelet) StartKubelet();
  args_ = {"--plugin-dir", plugin_dir_,          "--host-root", root_,
           "--cpuid-dump", root_ + "/cpuid.txt", "--log-level", "debug"};
  if (std::find(extra_args.begin(), extra_args.end(), "--nfd-features-dir") == extra_args.end()) {
    args_.insert(args_.end(), {"--nfd-features-dir", nfd_dir_});
  }
  args_.insert(args_.end(), extra_args.begin(), extra_args.end());
  if (start_plugin) StartPlugin();
}

void NodeHarness::StartPlugin(std::optional<uid_t> run_as) {
  plugin_.reset();  // the destructor kills a plugin still running
  plugin_ = std::make_unique<PluginProcess>(args_, dir_.path(), run_as);
}

std::optional<int> NodeHarness::MetricsPort() {
  // The metrics_url field, in text or JSON.
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < deadline && !plugin_->ExitCode()) {
    const std::string log = Log();
    for (const std::string marker :
         {"metrics_url=http://127.0.0.1:", "\"metrics_url\":\"http://127.0.0.1:"}) {
      if (size_t at = log.find(marker); at != std::string::npos) {
        return std::atoi(log.c_str() + at + marker.size());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

std::optional<HttpAnswer> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  httplib::Result result = client.Get(path.c_str());
  if (!result) return std::nullopt;
  return HttpAnswer{result->status, result->body};
}

void NodeHarness::StartKubelet() {
  auto kubelet = emulator::KubeletEmulator::Start({.plugin_dir = plugin_dir_});
  EXPECT_TRUE(kubelet.ok()) << kubelet.status();
  kubelet_ = std::move(kubelet).value();
}

std::optional<emulator::ResourceView> NodeHarness::WaitFor(
    const std::function<bool(const emulator::ResourceView&)>& pred) {
  return kubelet_->WaitFor(kEpcResource, pred, kWait);
}

std::optional<emulator::ResourceView> NodeHarness::WaitRegistered(int min_registrations) {
  return WaitFor([min_registrations](const emulator::ResourceView& view) {
    return view.registrations >= min_registrations && view.stream_open &&
           view.list_and_watch_updates > 0;
  });
}

v1beta1::AllocateRequest MakeAllocateRequest(const std::vector<std::vector<std::string>>& ids) {
  v1beta1::AllocateRequest request;
  for (const auto& container : ids) {
    auto* container_request = request.add_container_requests();
    for (const std::string& id : container) container_request->add_devices_ids(id);
  }
  return request;
}

std::vector<std::string> HealthyIds(const emulator::ResourceView& view, size_t count) {
  std::vector<std::string> ids;
  for (const auto& device : view.devices) {
    if (ids.size() == count) break;
    if (device.health == "Healthy") ids.push_back(device.id);
  }
  return ids;
}

}  // namespace teedp::testing
