// Provides SharedLimit, how many containers on a node may hold one shared device at once, checked
// once where it enters (a flag or config file key).
// Thread safety: an immutable value.
#pragma once

#include <compare>
#include <cstdint>

#include "absl/status/statusor.h"

namespace teedp::resources {

// The default: the kubelet's default pod limit, so the resource never binds before EPC or pods do.
inline constexpr uint32_t kDefaultSharedLimit = 110;
// The device list must fit the kubelet's 4 MiB message; 100,000 slots take about 1.3 MB.
inline constexpr uint32_t kMaxSharedLimit = 100000;

class SharedLimit {
 public:
  constexpr SharedLimit() = default;  // kDefaultSharedLimit
  // InvalidArgument naming the value unless 1 <= containers <= kMaxSharedLimit.
  static absl::StatusOr<SharedLimit> Of(int64_t containers);

  uint32_t containers() const { return containers_; }
  friend auto operator<=>(const SharedLimit&, const SharedLimit&) = default;

 private:
  explicit constexpr SharedLimit(uint32_t containers) : containers_(containers) {}
  uint32_t containers_ = kDefaultSharedLimit;
};

}  // namespace teedp::resources
