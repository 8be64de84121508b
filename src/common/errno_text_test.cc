#include "common/errno_text.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

namespace teedp {
namespace {

TEST(ErrnoTextTest, DescribesKnownValuesAndNamesUnknownOnes) {
  EXPECT_EQ(ErrnoText(ENOENT), "No such file or directory");
  EXPECT_EQ(ErrnoText(EACCES), "Permission denied");
  EXPECT_EQ(ErrnoText(4242), "error 4242");
  EXPECT_EQ(ErrnoText(-1), "error -1");
}

TEST(SignalTextTest, DescribesKnownSignalsAndNamesUnknownOnes) {
  EXPECT_EQ(SignalText(SIGTERM), "Terminated");
  EXPECT_EQ(SignalText(SIGINT), "Interrupt");
  EXPECT_EQ(SignalText(999), "signal 999");
}

}  // namespace
}  // namespace teedp
