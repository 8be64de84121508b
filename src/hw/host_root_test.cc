// HostRoot's confinement, run twice over the same cases: through openat2(2) (where this kernel has
// it) and through the user-space walker that older kernels fall back to.
#include "hw/host_root.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.h"

namespace teedp::hw {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

class HostRootConfinementTest : public ::testing::TestWithParam<HostRoot::Resolver> {
 protected:
  // <tmp>/secret is outside the root; <tmp>/root/secret inside it. Every escape below that
  // worked would read "outside".
  HostRootConfinementTest() : root_(dir_.path() + "/root/", GetParam()) {
    dir_.Write("secret", "outside");
    dir_.Write("root/secret", "inside");
    dir_.Write("root/run/aesmd/socket", "s");
  }
  std::string Read(const std::string& host_path) {
    absl::StatusOr<std::string> text = root_.ReadFile(host_path);
    return text.ok() ? *text : text.status().ToString();
  }

  TempDir dir_;
  HostRoot root_;
};

TEST_P(HostRootConfinementTest, UsesTheResolverAskedFor) {
  const bool kernel = GetParam() == HostRoot::Resolver::kKernel;
  EXPECT_EQ(root_.uses_openat2(), kernel && HostRoot::KernelResolvesInRoot());
  if (kernel && !HostRoot::KernelResolvesInRoot()) {
    GTEST_SKIP() << "no openat2 here: both instances test the walker";
  }
}

TEST_P(HostRootConfinementTest, AbsoluteSymlinksStayInsideTheRoot) {
  dir_.Symlink("/secret", "root/abs");
  dir_.Symlink(dir_.path() + "/secret", "root/full");  // the machine's own path to the outside
  dir_.Symlink("/run", "root/var/run");
  EXPECT_EQ(Read("/abs"), "inside");
  EXPECT_TRUE(absl::IsNotFound(root_.ReadFile("/full").status())) << Read("/full");
  EXPECT_EQ(Read("/var/run/aesmd/socket"), "s");
  EXPECT_TRUE(root_.IsDirectory("/var/run/aesmd"));
  EXPECT_THAT(root_.ListDirectory("/var/run"), ElementsAre("aesmd"));
}

TEST_P(HostRootConfinementTest, RelativeSymlinksAndDotDotStopAtTheRoot) {
  dir_.Symlink("../../../../secret", "root/dev/up");
  dir_.Symlink("../sgx_enclave", "root/dev/sgx/enclave");
  dir_.Write("root/dev/sgx_enclave", "node");
  EXPECT_EQ(Read("/dev/up"), "inside");
  EXPECT_EQ(Read("/../../secret"), "inside");
  EXPECT_EQ(Read("/dev/../../secret"), "inside");
  EXPECT_EQ(Read("/dev/./sgx/enclave"), "node");
  EXPECT_EQ(root_.ReadLink("/dev/sgx/enclave"), "../sgx_enclave");
  EXPECT_FALSE(root_.ReadLink("/dev/sgx_enclave").has_value());
}

TEST_P(HostRootConfinementTest, LoopsAreErrorsAndNotFollowedForever) {
  dir_.Symlink("self", "root/self");
  dir_.Symlink("b", "root/a");
  dir_.Symlink("a", "root/b");
  for (const char* path : {"/self", "/a", "/a/below"}) {
    absl::Status status = root_.ReadFile(path).status();
    EXPECT_TRUE(absl::IsFailedPrecondition(status)) << path << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr("Too many levels of symbolic links")) << path;
    EXPECT_THAT(status.message(), HasSubstr(path));
    EXPECT_FALSE(root_.Exists(path)) << path;
  }
  EXPECT_EQ(root_.ReadLink("/self"), "self");
}

TEST_P(HostRootConfinementTest, ALongChainIsALoopEvenWhenItEndsOutside) {
  // More links than the kernel follows, the last one to the machine's own outside file.
  dir_.Symlink(dir_.path() + "/secret", "root/l50");
  for (int i = 0; i < 50; ++i) {
    dir_.Symlink("l" + std::to_string(i + 1), "root/l" + std::to_string(i));
  }
  EXPECT_THAT(Read("/l0"), HasSubstr("Too many levels of symbolic links"));
  EXPECT_EQ(Read("/l45"), "NOT_FOUND: /l45: No such file or directory");
}

TEST_P(HostRootConfinementTest, MissingFilesAndDanglingLinksAreNotFoundByHostPath) {
  dir_.Symlink("/nothing", "root/dangling");
  dir_.Symlink("../nothing", "root/dev/dangling");
  for (const char* path : {"/missing", "/dangling", "/dev/dangling", "/secret/below"}) {
    absl::Status status = root_.ReadFile(path).status();
    EXPECT_TRUE(absl::IsNotFound(status)) << path << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(path));
    EXPECT_FALSE(root_.Exists(path)) << path;
    EXPECT_FALSE(root_.IsDirectory(path)) << path;
  }
  EXPECT_EQ(root_.ReadLink("/dangling"), "/nothing");
  EXPECT_TRUE(root_.ListDirectory("/missing").empty());
}

TEST_P(HostRootConfinementTest, ReadsAreBoundedAndDirectoriesAreNotFiles) {
  dir_.Write("root/sys/big", std::string(5000, 'x'));
  EXPECT_EQ(root_.ReadFile("/sys/big", 5000)->size(), 5000u);
  EXPECT_TRUE(absl::IsOutOfRange(root_.ReadFile("/sys/big", 4999).status()));
  EXPECT_FALSE(root_.ReadFile("/sys").ok());
  EXPECT_TRUE(root_.Exists("/sys"));
  EXPECT_FALSE(root_.IsDirectory("/sys/big"));
}

TEST_P(HostRootConfinementTest, OpenGivesADescriptorOfTheConfinedFile) {
  dir_.Symlink("/secret", "root/abs");
  absl::StatusOr<UniqueFd> fd = root_.Open("/abs", O_RDONLY);
  ASSERT_TRUE(fd.ok()) << fd.status();
  char buffer[16] = {};
  EXPECT_EQ(::read(fd->get(), buffer, sizeof(buffer)), 6);
  EXPECT_STREQ(buffer, "inside");
  EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0) << "close-on-exec is always set";
}

INSTANTIATE_TEST_SUITE_P(BothResolvers, HostRootConfinementTest,
                         ::testing::Values(HostRoot::Resolver::kKernel,
                                           HostRoot::Resolver::kWalker),
                         [](const ::testing::TestParamInfo<HostRoot::Resolver>& param) {
                           return param.param == HostRoot::Resolver::kKernel ? "Openat2" : "Walker";
                         });

}  // namespace
}  // namespace teedp::hw
