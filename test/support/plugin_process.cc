#include "support/plugin_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/eventually.h"
#include "support/temp_dir.h"
#include "test_paths.h"

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
  const pid_t pid = Spawn(args, dir.path() + "/out", dir.path() + "/err");
  int status = 0;
  const bool ended =
      Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(30));
  if (!ended) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  CommandResult result;
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

std::optional<MappedKib> ExecutableCodeKib(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code error;
  const std::string executable = std::filesystem::read_symlink(proc + "/exe", error).string();
  if (error) return std::nullopt;
  std::ifstream smaps(proc + "/smaps");
  std::optional<MappedKib> code;
  bool in_code = false;  // the lines below belong to an executable mapping of the binary
  std::string line;
  while (std::getline(smaps, line)) {
    std::istringstream fields(line);
    std::string range, permissions, offset, device, inode, path;
    const bool mapping = bool(fields >> range >> permissions >> offset >> device >> inode) &&
                         range.find('-') != std::string::npos && permissions.size() == 4;
    if (mapping) {
      fields >> path;
      in_code = permissions[2] == 'x' && path == executable;
      if (in_code && !code) code = MappedKib{};
    } else if (in_code && line.starts_with("Size:")) {
      code->size += std::strtol(line.c_str() + 5, nullptr, 10);
    } else if (in_code && line.starts_with("Rss:")) {
      code->rss += std::strtol(line.c_str() + 4, nullptr, 10);
    }
  }
  return code;
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
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
  Eventually([this] { return ExitCode().has_value(); }, timeout);
  return ExitCode();
}

std::string PluginProcess::Log() const { return ReadAll(log_path_); }

}  // namespace teedp::testing
