#include "resources/epc_unit_size.h"

#include <bit>

#include "absl/strings/str_cat.h"

namespace teedp::resources {

absl::StatusOr<EpcUnitSize> EpcUnitSize::FromBytes(uint64_t bytes) {
  if (std::has_single_bit(bytes) && bytes >= kMiB && bytes <= kGiB) return EpcUnitSize(bytes);
  return absl::InvalidArgumentError(absl::StrCat("EPC unit of ", bytes,
                                                 " bytes is not a power of two between ", kMiB,
                                                 " (1 MiB) and ", kGiB, " (1 GiB)"));
}

}  // namespace teedp::resources
