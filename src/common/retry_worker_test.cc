#include "common/retry_worker.h"

#include <gtest/gtest.h>

#include "common/mutex.h"
#include "support/eventually.h"

namespace teedp {
namespace {

using testing::Eventually;

constexpr absl::Duration kWait = absl::Seconds(30);
// Longer than any test may take: only a Request() can end such a backoff in time.
constexpr RetryWorker::Backoff kHourLong{absl::Hours(1), absl::Hours(2)};

// Attempts that fail until `failures` of them have been made, counted under a lock tests wait on.
struct Attempts {
  explicit Attempts(int failing) : failures(failing) {}
  bool Make() {
    MutexLock lock(&mutex);
    ++made;
    return made > failures;
  }
  bool WaitForMade(int count) {
    MutexLock lock(&mutex);
    return mutex.AwaitWithTimeout([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return made >= count; },
                                  kWait);
  }
  int Made() {
    MutexLock lock(&mutex);
    return made;
  }
  const int failures;
  Mutex mutex;
  int made ABSL_GUARDED_BY(mutex) = 0;
};

TEST(RetryWorkerTest, MakesAFirstAttemptAtOnceAndCountsItsSuccess) {
  Attempts attempts(0);
  RetryWorker worker([&] { return attempts.Make(); }, kHourLong);
  ASSERT_TRUE(attempts.WaitForMade(1));
  EXPECT_TRUE(Eventually([&] { return worker.successes() == 1; }));
}

TEST(RetryWorkerTest, RetriesAFailureAfterTheBackoffUntilItSucceeds) {
  Attempts attempts(2);
  RetryWorker worker([&] { return attempts.Make(); },
                     {absl::Milliseconds(1), absl::Milliseconds(2)});
  ASSERT_TRUE(attempts.WaitForMade(3));
  EXPECT_TRUE(Eventually([&] { return worker.successes() == 1; }));
  EXPECT_EQ(attempts.Made(), 3);  // nothing asked after the success
}

TEST(RetryWorkerTest, ARequestCutsAPendingBackoffShort) {
  Attempts attempts(1);
  RetryWorker worker([&] { return attempts.Make(); }, kHourLong);
  ASSERT_TRUE(attempts.WaitForMade(1));
  worker.Request();
  ASSERT_TRUE(attempts.WaitForMade(2));
  EXPECT_TRUE(Eventually([&] { return worker.successes() == 1; }));
}

TEST(RetryWorkerTest, ChecksAgainAfterASuccessOnlyWhenARecheckIsSet) {
  Attempts rechecked(0);
  RetryWorker worker([&] { return rechecked.Make(); }, kHourLong, absl::Milliseconds(1));
  ASSERT_TRUE(rechecked.WaitForMade(3));  // no Request(): the recheck alone
  EXPECT_TRUE(Eventually([&] { return worker.successes() >= 3; }));

  Attempts once(0);
  {
    RetryWorker plain([&] { return once.Make(); }, kHourLong);
    ASSERT_TRUE(once.WaitForMade(1));
    // Stopped while it sleeps with no request: an hour-long recheck would time the test out too.
    RetryWorker hour([] { return true; }, kHourLong, absl::Hours(1));
  }
  EXPECT_EQ(once.Made(), 1);
}

TEST(RetryWorkerTest, StopsDuringABackoffWithoutWaitingItOut) {
  Attempts attempts(1000);
  {
    RetryWorker worker([&] { return attempts.Make(); }, kHourLong);
    ASSERT_TRUE(attempts.WaitForMade(1));
  }  // an hour's wait here would time the test out
  EXPECT_EQ(attempts.Made(), 1);
}

}  // namespace
}  // namespace teedp
