#include "resources/shared_limit.h"

#include "absl/strings/str_cat.h"

namespace teedp::resources {

absl::StatusOr<SharedLimit> SharedLimit::Of(int64_t containers) {
  if (containers >= 1 && containers <= kMaxSharedLimit) {
    return SharedLimit(static_cast<uint32_t>(containers));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(containers, " containers per node: must be from 1 to ", kMaxSharedLimit));
}

}  // namespace teedp::resources
