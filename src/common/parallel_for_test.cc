#include "common/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/mutex.h"

namespace teedp {
namespace {

TEST(ParallelForTest, CallsTheBodyOnceForEveryIndex) {
  for (size_t threads : {0, 1, 3, 16}) {
    std::vector<std::atomic<int>> calls(10);
    ParallelFor(calls.size(), threads, [&](size_t i) { ++calls[i]; });
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].load(), 1) << "index " << i << " with " << threads << " threads";
    }
  }
}

TEST(ParallelForTest, NothingToDoCallsNothing) {
  bool called = false;
  ParallelFor(0, 4, [&](size_t) { called = true; });
  EXPECT_FALSE(called);
}

TEST(ParallelForTest, OneThreadIsTheCallersOwn) {
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::thread::id> ran(5);
  ParallelFor(ran.size(), 1, [&](size_t i) { ran[i] = std::this_thread::get_id(); });
  for (const std::thread::id& id : ran) EXPECT_EQ(id, caller);
}

TEST(ParallelForTest, WaitsOverlap) {
  // Each call waits until all four are inside: only four threads at once get there. Called one
  // after the other, each would give up after the timeout instead (a failure, not a hang).
  Mutex mutex;
  int inside = 0;
  std::atomic<int> met{0};
  ParallelFor(4, 4, [&](size_t) {
    MutexLock lock(&mutex);
    ++inside;
    if (mutex.AwaitWithTimeout([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return inside == 4; },
                               absl::Seconds(30))) {
      ++met;
    }
  });
  EXPECT_EQ(met.load(), 4);
}

}  // namespace
}  // namespace teedp
