#include "dra/registration_service.h"

#include <spdlog/spdlog.h>

namespace teedp::dra {

grpc::Status RegistrationService::GetInfo(grpc::ServerContext* /*context*/,
                                          const pluginregistration::InfoRequest* /*request*/,
                                          pluginregistration::PluginInfo* info) {
  info->set_type(kDraPluginType);
  info->set_name(driver_);
  info->set_endpoint(endpoint_);
  // v1 for kubelets 1.34 and later, v1beta1 for 1.32 to 1.35.
  info->add_supported_versions("v1.DRAPlugin");
  info->add_supported_versions("v1beta1.DRAPlugin");
  return grpc::Status::OK;
}

grpc::Status RegistrationService::NotifyRegistrationStatus(
    grpc::ServerContext* /*context*/, const pluginregistration::RegistrationStatus* status,
    pluginregistration::RegistrationStatusResponse* /*response*/) {
  if (status->plugin_registered()) {
    spdlog::info("the kubelet registered DRA driver {}", driver_);
  } else {
    spdlog::error("the kubelet refused DRA driver {}: {}", driver_, status->error());
  }
  if (on_status_) on_status_(status->plugin_registered(), status->error());
  return grpc::Status::OK;
}

}  // namespace teedp::dra
