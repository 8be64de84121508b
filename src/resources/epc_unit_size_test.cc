#include "resources/epc_unit_size.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace teedp::resources {
namespace {

TEST(EpcUnitSizeTest, RejectsBadUnitsNamingTheValue) {
  for (uint64_t unit : {uint64_t{0}, uint64_t{1}, kMiB / 2, kMiB + 1, 3 * kMiB, 2 * kGiB,
                        std::numeric_limits<uint64_t>::max()}) {
    absl::StatusOr<EpcUnitSize> size = EpcUnitSize::FromBytes(unit);
    ASSERT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument) << unit;
    EXPECT_NE(size.status().message().find(std::to_string(unit)), absl::string_view::npos)
        << size.status();
  }
  for (uint64_t unit : {kMiB, 2 * kMiB, 256 * kMiB, kGiB}) {
    EXPECT_EQ(EpcUnitSize::FromBytes(unit)->bytes(), unit);
  }
  EXPECT_EQ(EpcUnitSize().bytes(), kMiB);
}

}  // namespace
}  // namespace teedp::resources
