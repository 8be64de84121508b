// Provides RegistrationService, the kubelet plugin watcher's side of a DRA driver: the kubelet
// finds the driver's registration socket in its plugins_registry directory, asks GetInfo (type
// DRAPlugin, the driver name, the DRA socket, and the versions served: v1 and v1beta1), and
// reports through NotifyRegistrationStatus whether it took the driver.
// Thread safety: gRPC calls the handlers from its threads; `on_status` must be thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <utility>

#include "pluginregistration/api.grpc.pb.h"

namespace teedp::dra {

inline constexpr char kDraPluginType[] = "DRAPlugin";

class RegistrationService final : public pluginregistration::Registration::Service {
 public:
  // Called with (registered, the kubelet's error text) on every NotifyRegistrationStatus.
  using StatusCallback = std::function<void(bool, const std::string&)>;

  RegistrationService(std::string driver, std::string endpoint, StatusCallback on_status)
      : driver_(std::move(driver)),
        endpoint_(std::move(endpoint)),
        on_status_(std::move(on_status)) {}

  grpc::Status GetInfo(grpc::ServerContext* context, const pluginregistration::InfoRequest* request,
                       pluginregistration::PluginInfo* info) override;
  grpc::Status NotifyRegistrationStatus(
      grpc::ServerContext* context, const pluginregistration::RegistrationStatus* status,
      pluginregistration::RegistrationStatusResponse* response) override;

 private:
  const std::string driver_;
  const std::string endpoint_;
  const StatusCallback on_status_;
};

}  // namespace teedp::dra
