#include "resources/unit_selection.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "resources/device_id.h"

namespace teedp::resources {

UnitSelection::UnitSelection(uint32_t unit_count)
    : unit_count_(unit_count), bits_((uint64_t{unit_count} + 63) / 64, 0) {}

absl::Status UnitSelection::Add(std::string_view id) {
  std::optional<uint32_t> index = ParseDeviceId(id);
  if (!index || *index >= unit_count_) {
    return absl::InvalidArgumentError(absl::StrCat("unknown device ID ", QuoteIdForMessage(id)));
  }
  if (Contains(*index)) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate device ID ", QuoteIdForMessage(id)));
  }
  AddIndex(*index);
  return absl::OkStatus();
}

void UnitSelection::AddIndex(uint32_t index) {
  uint64_t bit = uint64_t{1} << (index % 64);
  uint64_t& word = bits_[index / 64];
  if ((word & bit) == 0) ++size_;
  word |= bit;
}

bool UnitSelection::Contains(uint32_t index) const {
  return index < unit_count_ && (bits_[index / 64] >> (index % 64) & 1) != 0;
}

std::vector<uint32_t> UnitSelection::Indices() const {
  std::vector<uint32_t> indices;
  indices.reserve(size_);
  for (size_t w = 0; w < bits_.size(); ++w) {
    for (uint64_t word = bits_[w]; word != 0; word &= word - 1) {
      indices.push_back(static_cast<uint32_t>(w * 64 + std::countr_zero(word)));
    }
  }
  return indices;
}

absl::StatusOr<ContainerEdits> AllocateContainer(const ResourcePlan& plan,
                                                 const UnitSelection& units) {
  if (units.size() == 0) {
    return absl::InvalidArgumentError("container request holds no device IDs");
  }
  // A selection sized for another plan would name units this plan does not have.
  if (units.unit_count() != plan.unit_count) {
    return absl::InvalidArgumentError(absl::StrCat("selection is for ", units.unit_count(),
                                                   " units but the plan has ", plan.unit_count));
  }
  if (!plan.healthy) {
    return absl::FailedPreconditionError(
        absl::StrCat("SGX EPC cannot be allocated on this node: ", plan.health_reason));
  }
  if (plan.cdi_device.empty()) return plan.container_edits;
  ContainerEdits by_name;
  by_name.cdi_devices = {plan.cdi_device};
  return by_name;
}

}  // namespace teedp::resources
