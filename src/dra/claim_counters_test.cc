#include "dra/claim_counters.h"

#include <gtest/gtest.h>

#include <numeric>

namespace teedp::dra {
namespace {

TEST(ClaimCountersTest, CountsClaimsByOutcomeAndCallsByDurationPerMethod) {
  ClaimCounters counters;
  counters.RecordClaim(ClaimCall::kPrepare, true);
  counters.RecordClaim(ClaimCall::kPrepare, true);
  counters.RecordClaim(ClaimCall::kPrepare, false);
  counters.RecordCall(ClaimCall::kPrepare, std::chrono::microseconds(300));  // 250us < d <= 500us
  counters.RecordCall(ClaimCall::kPrepare, std::chrono::seconds(20));        // above every bound
  counters.RecordClaim(ClaimCall::kUnprepare, true);

  const ClaimCounters::Counts prepare = counters.Read(ClaimCall::kPrepare);
  EXPECT_EQ(prepare.claims_ok, 2u);
  EXPECT_EQ(prepare.claims_failed, 1u);
  EXPECT_EQ(prepare.calls.buckets[2], 1u);
  EXPECT_EQ(prepare.calls.buckets.back(), 1u);
  EXPECT_EQ(std::accumulate(prepare.calls.buckets.begin(), prepare.calls.buckets.end(), 0u), 2u);
  EXPECT_DOUBLE_EQ(prepare.calls.sum_seconds, 20.0003);

  const ClaimCounters::Counts unprepare = counters.Read(ClaimCall::kUnprepare);
  EXPECT_EQ(unprepare.claims_ok, 1u);
  EXPECT_EQ(unprepare.claims_failed, 0u);
  EXPECT_EQ(std::accumulate(unprepare.calls.buckets.begin(), unprepare.calls.buckets.end(), 0u),
            0u);
  EXPECT_EQ(ClaimCallName(ClaimCall::kUnprepare), "NodeUnprepareResources");
}

}  // namespace
}  // namespace teedp::dra
