#include "kubelet/plugin_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace tee::kubelet {
namespace {

bool StatSocket(const std::string& path, struct stat* out) {
  return lstat(path.c_str(), out) == 0 && S_ISSOCK(out->st_mode);
}

}  // namespace

bool SocketAnswers(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) return false;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  bool answers = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return answers;
}

absl::StatusOr<std::unique_ptr<PluginServer>> PluginServer::Start(const std::string& socket_path,
                                                                  SnapshotStore* store,
                                                                  ServiceCounters* counters) {
  if (socket_path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("socket path is longer than the ",
                                                   sizeof(sockaddr_un::sun_path) - 1,
                                                   " bytes unix sockets allow: ", socket_path));
  }
  if (SocketAnswers(socket_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("another process already serves ", socket_path));
  }
  if (unlink(socket_path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("cannot remove stale ", socket_path, ": ", std::strerror(errno)));
  }
  auto service = std::make_unique<DevicePluginService>(store, counters);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + socket_path, grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve on ", socket_path, " (is the directory there and writable?)"));
  }
  return std::unique_ptr<PluginServer>(
      new PluginServer(socket_path, std::move(service), std::move(server)));
}

PluginServer::PluginServer(std::string socket_path, std::unique_ptr<DevicePluginService> service,
                           std::unique_ptr<grpc::Server> server)
    : socket_path_(std::move(socket_path)),
      service_(std::move(service)),
      server_(std::move(server)) {
  struct stat info {};
  if (StatSocket(socket_path_, &info)) {
    inode_ = info.st_ino;
    device_ = info.st_dev;
  }
}

PluginServer::~PluginServer() { Shutdown(std::chrono::milliseconds(0)); }

bool PluginServer::SocketIsOurs() const {
  struct stat info {};
  return StatSocket(socket_path_, &info) && info.st_ino == inode_ && info.st_dev == device_;
}

void PluginServer::RemoveSocketIfOurs() const {
  // A file another server bound at the same path since then is not ours to remove.
  if (SocketIsOurs()) unlink(socket_path_.c_str());
}

void PluginServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_ == nullptr) return;
  RemoveSocketIfOurs();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  server_.reset();
}

}  // namespace tee::kubelet
