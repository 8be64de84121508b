#include "common/log_on_change.h"

#include <gtest/gtest.h>

namespace teedp {
namespace {

TEST(LogOnChangeTest, LogsTheFirstStateAndEachChangeButNotRepeats) {
  LogOnChange log;
  EXPECT_FALSE(log.active());
  EXPECT_TRUE(log.Note("UNAVAILABLE"));
  EXPECT_TRUE(log.active());
  EXPECT_FALSE(log.Note("UNAVAILABLE"));
  EXPECT_FALSE(log.Note("UNAVAILABLE"));
  EXPECT_TRUE(log.Note("DEADLINE_EXCEEDED"));
  EXPECT_TRUE(log.Note("UNAVAILABLE")) << "back to an earlier state is a change too";
}

TEST(LogOnChangeTest, ClearingReportsARecoveryOnceAndStartsOver) {
  LogOnChange log;
  EXPECT_FALSE(log.Clear()) << "nothing to recover from";
  log.Note("");  // an empty key is a state like any other
  EXPECT_TRUE(log.active());
  EXPECT_FALSE(log.Note(""));
  EXPECT_TRUE(log.Clear());
  EXPECT_FALSE(log.active());
  EXPECT_FALSE(log.Clear());
  EXPECT_TRUE(log.Note("")) << "the same state after a recovery is news again";
}

}  // namespace
}  // namespace teedp
