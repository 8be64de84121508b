// Provides TempDir for tests: a fresh directory under /tmp, removed with everything in it when the
// object goes away, plus helpers that lay out files in it. The path stays short on purpose: unix
// socket paths are limited to 107 bytes, and the kubelet's sockets live in such folders.
// Thread safety: one object per test; the helpers may be called from any one thread at a time.
#pragma once

#include <string>

namespace teedp::testing {

class TempDir {
 public:
  // Aborts when mkdtemp fails: nothing in a test can go on without its folder.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to path()/relative, creating parent directories.
  void Write(const std::string& relative, const std::string& content = "") const;
  // Creates path()/relative and its parents.
  void Mkdir(const std::string& relative) const;
  // Creates the symbolic link path()/relative pointing at `target`, creating parents.
  void Symlink(const std::string& target, const std::string& relative) const;

 private:
  std::string path_;
};

}  // namespace teedp::testing
