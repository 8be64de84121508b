#include "kubelet/allocation_handlers.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "resources/device_id.h"
#include "resources/unit_selection.h"

namespace teedp::kubelet {
namespace {

absl::Status InRequest(const char* what, int index, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(what, " ", index, ": ", status.message()));
}

absl::StatusOr<resources::UnitSelection> SelectUnits(
    const resources::ResourcePlan& plan,
    const google::protobuf::RepeatedPtrField<std::string>& ids) {
  resources::UnitSelection selection(plan.unit_count);
  for (const std::string& id : ids) TEE_RETURN_IF_ERROR(selection.Add(id));
  return selection;
}

void FillContainerResponse(const resources::ContainerEdits& edits,
                           v1beta1::ContainerAllocateResponse* out) {
  for (const resources::DeviceSpec& spec : edits.devices) {
    v1beta1::DeviceSpec* device = out->add_devices();
    device->set_container_path(spec.container_path);
    device->set_host_path(spec.host_path);
    device->set_permissions(spec.permissions);
  }
  for (const resources::Mount& mount : edits.mounts) {
    v1beta1::Mount* proto_mount = out->add_mounts();
    proto_mount->set_container_path(mount.container_path);
    proto_mount->set_host_path(mount.host_path);
    proto_mount->set_read_only(mount.read_only);
  }
  for (const auto& [name, value] : edits.envs) (*out->mutable_envs())[name] = value;
  for (const std::string& name : edits.cdi_devices) out->add_cdi_devices()->set_name(name);
}

}  // namespace

absl::Status HandleAllocate(const resources::ResourcePlan& plan,
                            const v1beta1::AllocateRequest& request,
                            v1beta1::AllocateResponse* response) {
  if (request.container_requests().empty()) {
    return absl::InvalidArgumentError("Allocate has no container requests");
  }
  for (int i = 0; i < request.container_requests_size(); ++i) {
    auto selection = SelectUnits(plan, request.container_requests(i).devices_ids());
    if (!selection.ok()) return InRequest("container request", i, selection.status());
    auto edits = resources::AllocateContainer(plan, *selection);
    if (!edits.ok()) return InRequest("container request", i, edits.status());
    FillContainerResponse(*edits, response->add_container_responses());
  }
  return absl::OkStatus();
}

absl::Status HandlePreferredAllocation(const resources::ResourcePlan& plan,
                                       const v1beta1::PreferredAllocationRequest& request,
                                       v1beta1::PreferredAllocationResponse* response) {
  for (int i = 0; i < request.container_requests_size(); ++i) {
    const auto& container = request.container_requests(i);
    auto available = SelectUnits(plan, container.available_deviceids());
    if (!available.ok())
      return InRequest("available IDs of container request", i, available.status());
    auto must_include = SelectUnits(plan, container.must_include_deviceids());
    if (!must_include.ok()) {
      return InRequest("must-include IDs of container request", i, must_include.status());
    }
    auto chosen =
        resources::PreferUnits(plan, *available, *must_include, container.allocation_size());
    if (!chosen.ok()) return InRequest("container request", i, chosen.status());
    auto* ids = response->add_container_responses()->mutable_deviceids();
    ids->Reserve(static_cast<int>(chosen->size()));
    for (uint32_t index : *chosen) resources::AppendDeviceId(index, ids->Add());
  }
  return absl::OkStatus();
}

}  // namespace teedp::kubelet
