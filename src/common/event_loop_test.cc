#include "common/event_loop.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "support/eventually.h"

namespace teedp {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<EventLoop> NewLoop() {
  auto loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << loop.status();
  return std::move(loop).value();
}

TEST(EventLoopTest, PostedTasksRunOnTheLoopThreadInOrder) {
  auto loop = NewLoop();
  std::vector<int> order;
  std::thread::id loop_thread;
  loop->Post([&] { order.push_back(1); });
  loop->Post([&] {
    order.push_back(2);
    loop_thread = std::this_thread::get_id();
    loop->Quit();
  });
  loop->Run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop_thread, std::this_thread::get_id());
}

// The loop sleeps in epoll with no timeout: Quit's write to the wake-up descriptor must end that
// sleep. A lost wake-up hangs Run (the test's timeout fails it); a loop that found Quit by polling
// would show a wake-up with nothing to do.
TEST(EventLoopTest, QuitFromAnotherThreadWakesASleepingLoop) {
  auto loop = NewLoop();
  std::thread runner([&] { loop->Run(); });
  ASSERT_TRUE(testing::Eventually([&] { return loop->sleeps() >= 1; }));
  loop->Quit();
  runner.join();
  EXPECT_EQ(loop->sleeps(), 1u) << "one sleep, ended by Quit";
  EXPECT_EQ(loop->empty_wakeups(), 0u) << "woken by the event, not by a timeout";
}

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
  auto loop = NewLoop();
  std::vector<int> fired;
  loop->AddTimer(milliseconds(30), [&] {
    fired.push_back(30);
    loop->Quit();
  });
  auto cancelled = loop->AddTimer(milliseconds(5), [&] { fired.push_back(5); });
  loop->AddTimer(milliseconds(10), [&] { fired.push_back(10); });
  loop->CancelTimer(cancelled);
  loop->Run();
  EXPECT_EQ(fired, (std::vector<int>{10, 30}));
}

TEST(EventLoopTest, WatchedDescriptorCallsBackWhenReadable) {
  auto loop = NewLoop();
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  int calls = 0;
  ASSERT_TRUE(loop->Watch(fd,
                          [&] {
                            uint64_t value;
                            ASSERT_EQ(read(fd, &value, sizeof(value)), 8);
                            ++calls;
                            loop->Unwatch(fd);
                            loop->Quit();
                          })
                  .ok());
  uint64_t one = 1;
  ASSERT_EQ(write(fd, &one, sizeof(one)), 8);
  loop->Run();
  EXPECT_EQ(calls, 1);
  close(fd);
}

TEST(EventLoopTest, RunReturnsAtOnceWhenAlreadyQuit) {
  auto loop = NewLoop();
  loop->Quit();
  loop->Run();
  SUCCEED();
}

}  // namespace
}  // namespace teedp
