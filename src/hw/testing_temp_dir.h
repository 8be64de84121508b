// Provides TempDir for hw unit tests: a fresh directory under $TMPDIR (or /tmp) that is removed
// with everything in it when the object goes away. Test-only; not part of tee_hw.
// Thread safety: one object per test; do not share.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace teedp::hw::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/tee-hw-test-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to path()/relative, creating parent directories.
  void Write(const std::string& relative, const std::string& content = "") const {
    const std::filesystem::path file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }
  void Mkdir(const std::string& relative) const {
    std::filesystem::create_directories(std::filesystem::path(path_) / relative);
  }
  void Symlink(const std::string& target, const std::string& relative) const {
    const std::filesystem::path link = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(link.parent_path());
    std::filesystem::create_symlink(target, link);
  }

 private:
  std::string path_;
};

}  // namespace teedp::hw::testing
