#include "pod_resources_server.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>

#include "absl/strings/str_cat.h"
#include "checkpoint.h"
#include "registration_rules.h"

namespace teedp::emulator {
namespace {

constexpr std::chrono::milliseconds kShutdownGrace{1000};

// "ns/pod" -> {"ns", "pod"}; "pod" -> {"default", "pod"}.
std::pair<std::string, std::string> SplitPodName(const std::string& name) {
  const size_t slash = name.find('/');
  if (slash == std::string::npos) return {"default", name};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

// The kubelet's shape (containerDevicesFromResourceDeviceInstances): one ContainerDevices per
// device ID and NUMA node, so an ID on two nodes is listed twice, and an ID without topology once
// with no topology. The kubelet's order is Go map order; ours is the checkpoint's.
void AddDeviceEntries(v1::ContainerResources& container, const CheckpointEntry& entry) {
  for (const std::string& id : entry.device_ids) {
    auto nodes = entry.numa_nodes.find(id);
    if (nodes == entry.numa_nodes.end() || nodes->second.empty()) {
      v1::ContainerDevices* devices = container.add_devices();
      devices->set_resource_name(entry.resource_name);
      devices->add_device_ids(id);
      continue;
    }
    for (int64_t node : nodes->second) {
      v1::ContainerDevices* devices = container.add_devices();
      devices->set_resource_name(entry.resource_name);
      devices->add_device_ids(id);
      devices->mutable_topology()->add_nodes()->set_id(node);
    }
  }
}

// Entries grouped by pod, then container, in checkpoint order.
v1::ListPodResourcesResponse ListFrom(const Checkpoint& checkpoint) {
  v1::ListPodResourcesResponse response;
  std::map<std::string, v1::PodResources*> pods;
  for (const CheckpointEntry& entry : checkpoint.entries()) {
    v1::PodResources*& pod = pods[entry.pod];
    if (pod == nullptr) {
      pod = response.add_pod_resources();
      auto [ns, name] = SplitPodName(entry.pod);
      pod->set_namespace_(ns);
      pod->set_name(name);
    }
    v1::ContainerResources* container = nullptr;
    for (v1::ContainerResources& existing : *pod->mutable_containers()) {
      if (existing.name() == entry.container) container = &existing;
    }
    if (container == nullptr) {
      container = pod->add_containers();
      container->set_name(entry.container);
    }
    AddDeviceEntries(*container, entry);
  }
  return response;
}

}  // namespace

class PodResourcesServer::Service final : public v1::PodResourcesLister::Service {
 public:
  explicit Service(std::string checkpoint_path) : checkpoint_path_(std::move(checkpoint_path)) {}

  grpc::Status List(grpc::ServerContext* /*context*/, const v1::ListPodResourcesRequest* /*req*/,
                    v1::ListPodResourcesResponse* response) override {
    ++calls_;
    absl::StatusOr<Checkpoint> checkpoint = Checkpoint::Load(checkpoint_path_);
    if (!checkpoint.ok()) {
      return grpc::Status(grpc::StatusCode::INTERNAL, std::string(checkpoint.status().message()));
    }
    *response = ListFrom(*checkpoint);
    return grpc::Status::OK;
  }
  int calls() const { return calls_.load(); }

 private:
  const std::string checkpoint_path_;
  std::atomic<int> calls_{0};
};

absl::StatusOr<std::unique_ptr<PodResourcesServer>> PodResourcesServer::Start(
    const std::string& socket_path, const std::string& plugin_dir) {
  absl::StatusOr<std::string> address = UnixSocketAddress(socket_path);
  if (!address.ok()) return address.status();
  ::unlink(socket_path.c_str());
  std::unique_ptr<PodResourcesServer> server(new PodResourcesServer(
      socket_path, std::make_unique<Service>(absl::StrCat(plugin_dir, "/", kCheckpointName))));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(*address, grpc::InsecureServerCredentials());
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve the PodResources socket ", socket_path));
  }
  return server;
}

PodResourcesServer::PodResourcesServer(std::string socket_path, std::unique_ptr<Service> service)
    : socket_path_(std::move(socket_path)), service_(std::move(service)) {}

PodResourcesServer::~PodResourcesServer() { Shutdown(); }

void PodResourcesServer::Shutdown() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server_->Wait();
  server_.reset();
  ::unlink(socket_path_.c_str());
}

int PodResourcesServer::list_calls() const { return service_->calls(); }

}  // namespace teedp::emulator
