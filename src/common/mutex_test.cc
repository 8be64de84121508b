#include "common/mutex.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace teedp {
namespace {

TEST(MutexTest, GuardsCountersAcrossThreads) {
  Mutex mutex;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        MutexLock lock(&mutex);
        ++counter;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  MutexLock lock(&mutex);
  EXPECT_EQ(counter, 40000);
}

TEST(MutexTest, AwaitWakesWhenAnotherThreadMakesThePredicateTrue) {
  Mutex mutex;
  bool ready = false;
  std::thread setter([&] {
    MutexLock lock(&mutex);
    ready = true;
  });
  {
    MutexLock lock(&mutex);
    mutex.Await([&] { return ready; });
    EXPECT_TRUE(ready);
  }
  setter.join();
}

TEST(MutexTest, AwaitWithTimeoutGivesUpAndReportsFalse) {
  Mutex mutex;
  MutexLock lock(&mutex);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(mutex.AwaitWithTimeout([] { return false; }, absl::Milliseconds(20)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  EXPECT_TRUE(mutex.AwaitWithTimeout([] { return true; }, absl::Milliseconds(20)));
}

}  // namespace
}  // namespace teedp
