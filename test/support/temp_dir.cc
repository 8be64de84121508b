#include "support/temp_dir.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace teedp::testing {

TempDir::TempDir() {
  char pattern[] = "/tmp/tee-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    std::perror("mkdtemp /tmp/tee-test-XXXXXX");
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void TempDir::Write(const std::string& relative, const std::string& content) const {
  const std::filesystem::path file = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
}

void TempDir::Mkdir(const std::string& relative) const {
  std::filesystem::create_directories(std::filesystem::path(path_) / relative);
}

void TempDir::Symlink(const std::string& target, const std::string& relative) const {
  const std::filesystem::path link = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(link.parent_path());
  std::filesystem::create_symlink(target, link);
}

}  // namespace teedp::testing
