// Provides DraKubelet, the kubelet's side of DRA drivers as the emulator plays it: the plugin
// watcher's registration (a registration socket "<driver>-reg.sock" or
// "<driver>-<pod-uid>-reg.sock" in the registry directory, GetInfo, checks the real kubelet makes,
// NotifyRegistrationStatus) and the NodePrepareResources and NodeUnprepareResources calls it then
// makes on the driver's socket, v1 when offered, else v1beta1. Thread safety: one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dra/v1/api.grpc.pb.h"

namespace teedp::emulator {

namespace drapb = k8s::io::kubelet::pkg::apis::dra::v1;

// A claim as the kubelet names it to a driver.
struct DraClaim {
  std::string namespace_name;
  std::string name;
  std::string uid;
};

class DraKubelet {
 public:
  explicit DraKubelet(std::string registry_dir);
  ~DraKubelet();

  // Registers the driver whose registration socket is `socket_name` in the registry directory.
  // A driver whose GetInfo the real kubelet would refuse (another type, a name that is not the
  // socket's, a relative endpoint, no version it speaks) is told so through
  // NotifyRegistrationStatus and the refusal is returned (FailedPrecondition naming it).
  // Unavailable when the socket does not answer.
  absl::StatusOr<std::string> Register(const std::string& socket_name);
  // Waits up to `timeout` for `driver`'s registration socket, then registers it.
  absl::Status WaitAndRegister(const std::string& driver, absl::Duration timeout);
  // Forgets every registration, as a restarted kubelet does; the drivers are registered again by
  // the next Register.
  void Restart();

  // The calls, on a registered driver's socket. The gRPC status when the call fails as a whole.
  absl::StatusOr<drapb::NodePrepareResourcesResponse> Prepare(const std::string& driver,
                                                              const std::vector<DraClaim>& claims);
  absl::StatusOr<drapb::NodeUnprepareResourcesResponse> Unprepare(
      const std::string& driver, const std::vector<DraClaim>& claims);

  // The version the driver was registered with ("v1.DRAPlugin" or "v1beta1.DRAPlugin"), or ""
  // when it is not registered.
  std::string VersionOf(const std::string& driver) const;
  // Registrations of `driver` since the emulator started (Restart keeps the count).
  int Registrations(const std::string& driver) const;

 private:
  struct Driver;
  const Driver* Find(const std::string& driver) const;

  const std::string registry_dir_;
  std::map<std::string, std::unique_ptr<Driver>> drivers_;
  std::map<std::string, int> registrations_;
};

}  // namespace teedp::emulator
