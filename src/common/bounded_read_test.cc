#include "common/bounded_read.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/unique_fd.h"

namespace teedp {
namespace {

using ::testing::HasSubstr;

class BoundedReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "tee-read-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(BoundedReadTest, ReadsAFileOfExactlyTheLimitAcrossManyReads) {
  const std::string content(40000, 'x');  // more than one internal buffer
  EXPECT_EQ(*ReadFileAtMost(Write("f", content), 40000, "f"), content);
  EXPECT_EQ(*ReadFileAtMost(Write("empty", ""), 0, "empty"), "");
}

TEST_F(BoundedReadTest, OneByteOverTheLimitIsOutOfRangeNamingTheFileAndLimit) {
  auto read = ReadFileAtMost(Write("f", "12345"), 4, "the token /f");
  EXPECT_TRUE(absl::IsOutOfRange(read.status())) << read.status();
  EXPECT_EQ(read.status().message(), "the token /f: larger than the 4-byte limit");
}

TEST_F(BoundedReadTest, AnEndlessFileIsCutAtTheLimit) {
  UniqueFd zero(::open("/dev/zero", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(zero.valid());
  EXPECT_TRUE(absl::IsOutOfRange(ReadAtMost(zero.get(), 100000, "/dev/zero").status()));
}

TEST_F(BoundedReadTest, ReadsFromTheDescriptorsOffsetAndLeavesItOpen) {
  UniqueFd fd(::open(Write("f", "header:body").c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(::lseek(fd.get(), 7, SEEK_SET), 7);
  EXPECT_EQ(*ReadAtMost(fd.get(), 4, "f"), "body");
  EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 11);  // still ours to use
}

TEST_F(BoundedReadTest, OpenAndReadFailuresMapToCodesAndNameTheFile) {
  auto missing = ReadFileAtMost((dir_ / "absent").string(), 10, "config file absent");
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_EQ(missing.status().message(), "config file absent: No such file or directory");
  auto not_dir = ReadFileAtMost(Write("f", "x") + "/below", 10, "below");
  EXPECT_TRUE(absl::IsNotFound(not_dir.status())) << not_dir.status();
  auto directory = ReadFileAtMost(dir_.string(), 10, "the folder");
  EXPECT_TRUE(absl::IsFailedPrecondition(directory.status())) << directory.status();
  EXPECT_THAT(directory.status().message(), HasSubstr("the folder: Is a directory"));
}

TEST(ErrnoStatusTest, MapsTheErrorsCallersTellApart) {
  EXPECT_TRUE(absl::IsNotFound(ErrnoStatus(ENOENT, "p")));
  EXPECT_TRUE(absl::IsNotFound(ErrnoStatus(ENOTDIR, "p")));
  EXPECT_TRUE(absl::IsPermissionDenied(ErrnoStatus(EACCES, "p")));
  EXPECT_TRUE(absl::IsPermissionDenied(ErrnoStatus(EPERM, "p")));
  EXPECT_TRUE(absl::IsFailedPrecondition(ErrnoStatus(ELOOP, "p")));
  EXPECT_EQ(ErrnoStatus(ELOOP, "/dev/x").message(), "/dev/x: Too many levels of symbolic links");
}

}  // namespace
}  // namespace teedp
