#include "app/text_pages.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/plugin_process.h"

namespace teedp::app {
namespace {

// Written before the release: a page of a writable segment that lost its private copy would read
// the file's initial value again.
int written_before_release = 1;

TEST(ReleaseTextPagesTest, UnmapsTheCodeStartUpTouchedAndKeepsWrittenData) {
  written_before_release = 42;
  const std::optional<testing::MappedKib> code = testing::ExecutableCodeKib(getpid());
  ASSERT_TRUE(code.has_value());
  const long before = code->rss;
  ASSERT_GT(before, 0) << "this test binary's code is mapped while it runs";
  ASSERT_TRUE(ReleaseTextPages().ok());
  const long after = testing::ExecutableCodeKib(getpid()).value_or(testing::MappedKib{}).rss;
  // Only what ran since (this test's own few pages, gtest's assertion code) is mapped again.
  EXPECT_LT(after, before / 2) << "before " << before << " KiB, after " << after << " KiB";
  EXPECT_EQ(written_before_release, 42);
}

TEST(ReleaseTextPagesTest, CodeKeepsRunningAfterARelease) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ReleaseTextPages().ok());
  EXPECT_GT(testing::ExecutableCodeKib(getpid()).value_or(testing::MappedKib{}).rss, 0);
}

}  // namespace
}  // namespace teedp::app
