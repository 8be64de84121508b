#include "kubelet/plugin_server.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errno_text.h"

namespace teedp::kubelet {
namespace {

bool StatSocket(const std::string& path, struct stat* out) {
  return lstat(path.c_str(), out) == 0 && S_ISSOCK(out->st_mode);
}

// "<dir>/.<name>.<pid>.<n>": unique per server, in the same directory so rename() is atomic.
std::string TemporaryBindPath(const std::string& socket_path) {
  static std::atomic<uint64_t> counter{0};
  size_t slash = socket_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : socket_path.substr(0, slash);
  std::string name = socket_path.substr(slash == std::string::npos ? 0 : slash + 1);
  return absl::StrCat(dir, "/.", name, ".", getpid(), ".", counter.fetch_add(1));
}

// Runs every call's tags until the queue has shut down and is drained. Next() blocks without a
// deadline, so the thread sleeps until gRPC has an event.
void RunQueue(grpc::ServerCompletionQueue* queue) {
  pthread_setname_np(pthread_self(), "dp-queue");
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<CompletionTag*>(tag)->OnComplete(ok);
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
  // Bind under a temporary name, then rename onto the real one: gRPC deletes a unix listener's
  // file by path when that listener shuts down, so an old server retiring while a new one
  // serves must only ever own a path nobody uses any more.
  std::string bind_path = TemporaryBindPath(socket_path);
  if (bind_path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket path is too long to bind next to it: ", socket_path));
  }
  auto service = std::make_unique<DevicePluginService>(store, counters);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + bind_path, grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.RegisterService(service->service());
  std::unique_ptr<grpc::ServerCompletionQueue> queue = builder.AddCompletionQueue();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve on ", socket_path, " (is the directory there and writable?)"));
  }
  std::unique_ptr<PluginServer> plugin_server(
      new PluginServer(socket_path, std::move(service), std::move(queue), std::move(server)));
  if (rename(bind_path.c_str(), socket_path.c_str()) != 0) {
    std::string message =
        absl::StrCat("cannot put the socket at ", socket_path, ": ", ErrnoText(errno));
    plugin_server->Shutdown(std::chrono::milliseconds(0));  // no identity yet: removes nothing
    unlink(bind_path.c_str());
    return absl::UnavailableError(message);
  }
  plugin_server->RecordSocketIdentity();
  return plugin_server;
}

PluginServer::PluginServer(std::string socket_path, std::unique_ptr<DevicePluginService> service,
                           std::unique_ptr<grpc::ServerCompletionQueue> queue,
                           std::unique_ptr<grpc::Server> server)
    : socket_path_(std::move(socket_path)),
      service_(std::move(service)),
      queue_(std::move(queue)),
      server_(std::move(server)) {
  service_->Listen(queue_.get(), &gate_);
  queue_thread_ = std::thread(RunQueue, queue_.get());
}

void PluginServer::RecordSocketIdentity() {
  struct stat info {};
  if (StatSocket(socket_path_, &info)) {
    inode_ = info.st_ino;
    device_ = info.st_dev;
  }
}

PluginServer::~PluginServer() { Shutdown(std::chrono::milliseconds(0)); }

bool PluginServer::SocketIsOurs() const {
  struct stat info {};
  return inode_ != 0 && StatSocket(socket_path_, &info) && info.st_ino == inode_ &&
         info.st_dev == device_;
}

void PluginServer::RemoveSocketIfOurs() const {
  // A file another server bound at the same path since then is not ours to remove.
  if (SocketIsOurs()) unlink(socket_path_.c_str());
}

void PluginServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_ == nullptr) return;
  RemoveSocketIfOurs();
  // Refuses new calls, waits up to `grace`, then cancels what is left; the queue thread keeps
  // running meanwhile so streams see their cancellation and let go of their calls.
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  gate_.Close();  // no operation may start on the queue once it shuts down
  queue_->Shutdown();
  queue_thread_.join();  // returns once every outstanding tag was delivered
  server_.reset();
}

}  // namespace teedp::kubelet
