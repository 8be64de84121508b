// Provides EpcUnitSize, the EPC one device of the EPC resource stands for: a power of two from
// 1 MiB to 1 GiB, checked once where it enters (a flag or config file key).
// Thread safety: an immutable value.
#pragma once

#include <compare>
#include <cstdint>

#include "absl/status/statusor.h"

namespace teedp::resources {

inline constexpr uint64_t kMiB = uint64_t{1} << 20;
inline constexpr uint64_t kGiB = uint64_t{1} << 30;

class EpcUnitSize {
 public:
  constexpr EpcUnitSize() = default;  // 1 MiB
  // InvalidArgument naming the value unless `bytes` is a power of two from 1 MiB to 1 GiB.
  static absl::StatusOr<EpcUnitSize> FromBytes(uint64_t bytes);

  uint64_t bytes() const { return bytes_; }
  friend auto operator<=>(const EpcUnitSize&, const EpcUnitSize&) = default;

 private:
  explicit constexpr EpcUnitSize(uint64_t bytes) : bytes_(bytes) {}
  uint64_t bytes_ = kMiB;
};

}  // namespace teedp::resources
