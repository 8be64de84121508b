#include "resources/shared_limit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::HasSubstr;

TEST(SharedLimitTest, TakesOneToTheMaximumAndNamesABadValue) {
  EXPECT_EQ(SharedLimit().containers(), kDefaultSharedLimit);
  EXPECT_EQ(SharedLimit::Of(1)->containers(), 1u);
  EXPECT_EQ(SharedLimit::Of(kMaxSharedLimit)->containers(), kMaxSharedLimit);
  for (int64_t bad : {int64_t{0}, int64_t{-1}, int64_t{kMaxSharedLimit} + 1, int64_t{1} << 40}) {
    absl::StatusOr<SharedLimit> limit = SharedLimit::Of(bad);
    ASSERT_FALSE(limit.ok()) << bad;
    EXPECT_EQ(limit.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(limit.status().message(), HasSubstr(std::to_string(bad) + " containers"));
  }
}

}  // namespace
}  // namespace teedp::resources
