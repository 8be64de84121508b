#include "app/cdi_spec_writer.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "resources/cdi_spec.h"

namespace teedp::app {

CdiSpecWriter::CdiSpecWriter(const std::string& dir)
    : path_(absl::StrCat(dir, "/", std::string(resources::kCdiSpecFile))) {}

absl::Status CdiSpecWriter::Write(
    const std::vector<std::shared_ptr<const resources::ResourcePlan>>& plans) {
  std::vector<std::pair<std::string, resources::ContainerEdits>> edits;
  edits.reserve(plans.size());
  for (const auto& plan : plans) edits.emplace_back(plan->resource_name, plan->container_edits);
  TEE_RETURN_IF_ERROR(WriteFileAtomically(path_, resources::BuildCdiSpec(edits).dump(2) + "\n"));
  spdlog::info("wrote the CDI spec {}", path_);
  return absl::OkStatus();
}

}  // namespace teedp::app
