// Provides FakeDevicePlugin, a real v1beta1.DevicePlugin gRPC server on a unix socket for the
// emulator's tests: its device list, options and answers are set by the test, and it records
// what the emulator asked. Header-only so the library's *.cc glob never compiles it.
// Thread safety: all setters and getters may be called from any thread while it serves.
#pragma once

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/mutex.h"
#include "deviceplugin/v1beta1/api.grpc.pb.h"

namespace teedp::emulator::testing {

class FakeDevicePlugin final : public v1beta1::DevicePlugin::Service {
 public:
  FakeDevicePlugin(const std::string& dir, const std::string& endpoint)
      : socket_path_(dir + "/" + endpoint) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path_, grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeDevicePlugin() override { Shutdown(); }

  bool serving() const { return server_ != nullptr; }
  const std::string& socket_path() const { return socket_path_; }

  void Shutdown() {
    {
      teedp::MutexLock lock(&mu_);
      shutting_down_ = true;
    }
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
    ::unlink(socket_path_.c_str());
  }

  // Replaces the list and sends it on every open ListAndWatch stream.
  void SetDevices(v1beta1::ListAndWatchResponse devices) {
    teedp::MutexLock lock(&mu_);
    devices_ = std::move(devices);
    ++version_;
  }
  void SetOptions(v1beta1::DevicePluginOptions options) {
    teedp::MutexLock lock(&mu_);
    options_ = std::move(options);
  }
  // The answer to every GetPreferredAllocation; unset means "the first N available".
  void SetPreferred(std::vector<std::string> ids) {
    teedp::MutexLock lock(&mu_);
    preferred_ = std::move(ids);
  }
  void SetAllocateError(grpc::Status status) {
    teedp::MutexLock lock(&mu_);
    allocate_error_ = std::move(status);
  }
  void SetAllocateContainers(int containers) {
    teedp::MutexLock lock(&mu_);
    allocate_containers_ = containers;
  }
  // Every call then hangs (no list is ever sent) until Shutdown.
  void SetStuck(bool stuck) {
    teedp::MutexLock lock(&mu_);
    stuck_ = stuck;
  }

  std::vector<v1beta1::AllocateRequest> allocate_requests() const {
    teedp::MutexLock lock(&mu_);
    return allocate_requests_;
  }
  std::vector<v1beta1::PreferredAllocationRequest> preferred_requests() const {
    teedp::MutexLock lock(&mu_);
    return preferred_requests_;
  }
  int streams_opened() const {
    teedp::MutexLock lock(&mu_);
    return streams_opened_;
  }

  grpc::Status GetDevicePluginOptions(grpc::ServerContext* context, const v1beta1::Empty*,
                                      v1beta1::DevicePluginOptions* response) override {
    if (HangIfStuck(context)) return grpc::Status::CANCELLED;
    teedp::MutexLock lock(&mu_);
    *response = options_;
    return grpc::Status::OK;
  }

  grpc::Status ListAndWatch(grpc::ServerContext* context, const v1beta1::Empty*,
                            grpc::ServerWriter<v1beta1::ListAndWatchResponse>* writer) override {
    if (HangIfStuck(context)) return grpc::Status::CANCELLED;
    int64_t sent = -1;
    {
      teedp::MutexLock lock(&mu_);
      ++streams_opened_;
    }
    while (true) {
      v1beta1::ListAndWatchResponse next;
      {
        teedp::MutexLock lock(&mu_);
        // A short timeout so a cancelled client is noticed; this is test code.
        auto changed = [this, sent]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return shutting_down_ || version_ != sent;
        };
        mu_.AwaitWithTimeout(changed, absl::Milliseconds(50));
        if (shutting_down_ || context->IsCancelled()) return grpc::Status::OK;
        if (version_ == sent) continue;
        sent = version_;
        next = devices_;
      }
      if (!writer->Write(next)) return grpc::Status::OK;
    }
  }

  grpc::Status GetPreferredAllocation(grpc::ServerContext* context,
                                      const v1beta1::PreferredAllocationRequest* request,
                                      v1beta1::PreferredAllocationResponse* response) override {
    if (HangIfStuck(context)) return grpc::Status::CANCELLED;
    teedp::MutexLock lock(&mu_);
    preferred_requests_.push_back(*request);
    for (const auto& container : request->container_requests()) {
      auto* answer = response->add_container_responses();
      if (preferred_) {
        answer->mutable_deviceids()->Assign(preferred_->begin(), preferred_->end());
        continue;
      }
      for (int i = 0; i < container.allocation_size(); ++i) {
        answer->add_deviceids(container.available_deviceids(i));
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status Allocate(grpc::ServerContext* context, const v1beta1::AllocateRequest* request,
                        v1beta1::AllocateResponse* response) override {
    if (HangIfStuck(context)) return grpc::Status::CANCELLED;
    teedp::MutexLock lock(&mu_);
    allocate_requests_.push_back(*request);
    if (!allocate_error_.ok()) return allocate_error_;
    for (int i = 0; i < allocate_containers_; ++i) {
      auto* container = response->add_container_responses();
      container->mutable_envs()->insert(
          {"FAKE_IDS", std::to_string(request->container_requests(0).devices_ids_size())});
      auto* device = container->add_devices();
      device->set_container_path("/dev/sgx_enclave");
      device->set_host_path("/dev/sgx_enclave");
      device->set_permissions("rw");
    }
    return grpc::Status::OK;
  }

  grpc::Status PreStartContainer(grpc::ServerContext*, const v1beta1::PreStartContainerRequest*,
                                 v1beta1::PreStartContainerResponse*) override {
    return grpc::Status::OK;
  }

 private:
  // Returns true when stuck: it then blocks until Shutdown or the client gives up.
  bool HangIfStuck(grpc::ServerContext* context) {
    teedp::MutexLock lock(&mu_);
    if (!stuck_) return false;
    auto released = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return shutting_down_; };
    while (!mu_.AwaitWithTimeout(released, absl::Milliseconds(50))) {
      if (context->IsCancelled()) break;
    }
    return true;
  }

  const std::string socket_path_;
  std::unique_ptr<grpc::Server> server_;
  mutable teedp::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool stuck_ ABSL_GUARDED_BY(mu_) = false;
  int64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  v1beta1::ListAndWatchResponse devices_ ABSL_GUARDED_BY(mu_);
  v1beta1::DevicePluginOptions options_ ABSL_GUARDED_BY(mu_);
  std::optional<std::vector<std::string>> preferred_ ABSL_GUARDED_BY(mu_);
  grpc::Status allocate_error_ ABSL_GUARDED_BY(mu_);
  int allocate_containers_ ABSL_GUARDED_BY(mu_) = 1;
  int streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<v1beta1::AllocateRequest> allocate_requests_ ABSL_GUARDED_BY(mu_);
  std::vector<v1beta1::PreferredAllocationRequest> preferred_requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace teedp::emulator::testing
