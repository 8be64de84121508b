// Provides helpers for the emulator's tests: a Register call on a kubelet socket and device lists
// (temporary folders come from the shared test support, support/temp_dir.h).
// Thread safety: the free functions are reentrant.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "deviceplugin/v1beta1/api.grpc.pb.h"
#include "support/temp_dir.h"

namespace teedp::emulator::testing {

inline constexpr char kResource[] = "example.com/epc";

using ::teedp::testing::TempDir;

inline grpc::Status RegisterWith(const std::string& kubelet_socket,
                                 const v1beta1::RegisterRequest& request) {
  auto channel = grpc::CreateChannel("unix:" + kubelet_socket, grpc::InsecureChannelCredentials());
  auto stub = v1beta1::Registration::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1beta1::Empty empty;
  return stub->Register(&context, request, &empty);
}

inline v1beta1::RegisterRequest MakeRegisterRequest(const std::string& endpoint,
                                                    bool preferred = false,
                                                    const std::string& resource = kResource) {
  v1beta1::RegisterRequest request;
  request.set_version("v1beta1");
  request.set_endpoint(endpoint);
  request.set_resource_name(resource);
  request.mutable_options()->set_get_preferred_allocation_available(preferred);
  return request;
}

// `count` devices "<prefix><i>", on NUMA node i % 2, with the given health.
inline v1beta1::ListAndWatchResponse MakeDevices(int count, const std::string& prefix = "d",
                                                 const std::string& health = "Healthy") {
  v1beta1::ListAndWatchResponse response;
  for (int i = 0; i < count; ++i) {
    v1beta1::Device* device = response.add_devices();
    device->set_id(prefix + std::to_string(i));
    device->set_health(health);
    device->mutable_topology()->add_nodes()->set_id(i % 2);
  }
  return response;
}

}  // namespace teedp::emulator::testing
