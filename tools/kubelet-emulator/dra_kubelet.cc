#include "dra_kubelet.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dra/v1beta1/api.grpc.pb.h"
#include "pluginregistration/api.grpc.pb.h"

namespace teedp::emulator {
namespace {

namespace regpb = pluginregistration;
namespace drav1beta1 = k8s::io::kubelet::pkg::apis::dra::v1beta1;

constexpr char kDraPluginType[] = "DRAPlugin";
constexpr char kV1[] = "v1.DRAPlugin";
constexpr char kV1beta1[] = "v1beta1.DRAPlugin";
constexpr auto kCallTimeout = std::chrono::seconds(10);

std::shared_ptr<grpc::Channel> Dial(const std::string& socket) {
  return grpc::CreateChannel("unix://" + socket, grpc::InsecureChannelCredentials());
}

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
}

absl::Status FromGrpc(const grpc::Status& status, const std::string& what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// The checks the kubelet's plugin watcher and DRA plugin handler make of GetInfo's answer; the
// version the kubelet would use, or why it refuses the driver.
absl::StatusOr<std::string> CheckInfo(const regpb::PluginInfo& info,
                                      const std::string& socket_name) {
  if (info.type() != kDraPluginType) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin type \"", info.type(), "\" is not ", kDraPluginType));
  }
  if (info.name().empty()) return absl::FailedPreconditionError("the driver name is empty");
  // "<driver>-reg.sock", or "<driver>-<pod-uid>-reg.sock" (kubelet 1.33+).
  if (!absl::StartsWith(socket_name, info.name() + "-") ||
      !absl::EndsWith(socket_name, "-reg.sock")) {
    return absl::FailedPreconditionError(
        absl::StrCat("driver name \"", info.name(), "\" does not match its socket ", socket_name));
  }
  if (info.endpoint().empty() || info.endpoint().front() != '/') {
    return absl::FailedPreconditionError(
        absl::StrCat("endpoint \"", info.endpoint(), "\" is not an absolute path"));
  }
  for (const char* version : {kV1, kV1beta1}) {
    for (const std::string& offered : info.supported_versions()) {
      if (offered == version) return std::string(version);
    }
  }
  return absl::FailedPreconditionError(absl::StrCat("none of the versions [",
                                                    absl::StrJoin(info.supported_versions(), ", "),
                                                    "] is ", kV1, " or ", kV1beta1));
}

}  // namespace

struct DraKubelet::Driver {
  std::string version;
  std::shared_ptr<grpc::Channel> channel;
};

DraKubelet::DraKubelet(std::string registry_dir) : registry_dir_(std::move(registry_dir)) {}

DraKubelet::~DraKubelet() = default;

absl::StatusOr<std::string> DraKubelet::Register(const std::string& socket_name) {
  auto registration = regpb::Registration::NewStub(Dial(registry_dir_ + "/" + socket_name));
  regpb::PluginInfo info;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    if (grpc::Status status = registration->GetInfo(&context, {}, &info); !status.ok()) {
      return FromGrpc(status, absl::StrCat("GetInfo on ", socket_name));
    }
  }
  absl::StatusOr<std::string> version = CheckInfo(info, socket_name);
  regpb::RegistrationStatus verdict;
  verdict.set_plugin_registered(version.ok());
  if (!version.ok()) verdict.set_error(std::string(version.status().message()));
  regpb::RegistrationStatusResponse ignored;
  grpc::ClientContext context;
  SetDeadline(&context);
  if (grpc::Status status = registration->NotifyRegistrationStatus(&context, verdict, &ignored);
      !status.ok()) {
    return FromGrpc(status, absl::StrCat("NotifyRegistrationStatus on ", socket_name));
  }
  if (!version.ok()) return version.status();
  auto driver = std::make_unique<Driver>();
  driver->version = *version;
  driver->channel = Dial(info.endpoint());
  drivers_[info.name()] = std::move(driver);
  ++registrations_[info.name()];
  return info.name();
}

absl::Status DraKubelet::WaitAndRegister(const std::string& driver, absl::Duration timeout) {
  const std::string socket_name = driver + "-reg.sock";
  const absl::Time deadline = absl::Now() + timeout;
  // The plugin watcher learns of sockets from inotify; the emulator looks until it is there.
  while (!std::filesystem::exists(registry_dir_ + "/" + socket_name)) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("no ", socket_name, " in ", registry_dir_,
                                                      " within ", absl::FormatDuration(timeout)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  absl::StatusOr<std::string> registered = Register(socket_name);
  return registered.status();
}

void DraKubelet::Restart() { drivers_.clear(); }

const DraKubelet::Driver* DraKubelet::Find(const std::string& driver) const {
  auto found = drivers_.find(driver);
  return found == drivers_.end() ? nullptr : found->second.get();
}

std::string DraKubelet::VersionOf(const std::string& driver) const {
  const Driver* found = Find(driver);
  return found == nullptr ? "" : found->version;
}

int DraKubelet::Registrations(const std::string& driver) const {
  auto found = registrations_.find(driver);
  return found == registrations_.end() ? 0 : found->second;
}

namespace {

template <typename Request>
Request ClaimsRequest(const std::vector<DraClaim>& claims) {
  Request request;
  for (const DraClaim& claim : claims) {
    drapb::Claim* named = request.add_claims();
    named->set_namespace_(claim.namespace_name);
    named->set_name(claim.name);
    named->set_uid(claim.uid);
  }
  return request;
}

// Calls `method` of the version the driver registered with.
template <typename Response, typename Request, typename CallV1, typename CallV1beta1>
absl::StatusOr<Response> CallDriver(const std::string& version,
                                    const std::shared_ptr<grpc::Channel>& channel,
                                    const Request& request, CallV1 v1, CallV1beta1 v1beta1,
                                    const std::string& what) {
  grpc::ClientContext context;
  SetDeadline(&context);
  Response response;
  grpc::Status status =
      version == kV1
          ? v1(*drapb::DRAPlugin::NewStub(channel), &context, request, &response)
          : v1beta1(*drav1beta1::DRAPlugin::NewStub(channel), &context, request, &response);
  if (!status.ok()) return FromGrpc(status, what);
  return response;
}

}  // namespace

absl::StatusOr<drapb::NodePrepareResourcesResponse> DraKubelet::Prepare(
    const std::string& driver, const std::vector<DraClaim>& claims) {
  const Driver* found = Find(driver);
  if (found == nullptr) return absl::NotFoundError(driver + " is not registered");
  auto call = [](auto& stub, grpc::ClientContext* context, const auto& request, auto* response) {
    return stub.NodePrepareResources(context, request, response);
  };
  return CallDriver<drapb::NodePrepareResourcesResponse>(
      found->version, found->channel, ClaimsRequest<drapb::NodePrepareResourcesRequest>(claims),
      call, call, absl::StrCat("NodePrepareResources on ", driver));
}

absl::StatusOr<drapb::NodeUnprepareResourcesResponse> DraKubelet::Unprepare(
    const std::string& driver, const std::vector<DraClaim>& claims) {
  const Driver* found = Find(driver);
  if (found == nullptr) return absl::NotFoundError(driver + " is not registered");
  auto call = [](auto& stub, grpc::ClientContext* context, const auto& request, auto* response) {
    return stub.NodeUnprepareResources(context, request, response);
  };
  return CallDriver<drapb::NodeUnprepareResourcesResponse>(
      found->version, found->channel, ClaimsRequest<drapb::NodeUnprepareResourcesRequest>(claims),
      call, call, absl::StrCat("NodeUnprepareResources on ", driver));
}

}  // namespace teedp::emulator
