// Provides UniqueFd: owns one file descriptor and closes it when it goes away, so every return
// path of code that opens files closes them.
// Thread safety: like a unique_ptr; one owner, not shared between threads.
#pragma once

#include <unistd.h>

#include <utility>

namespace teedp {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd` (-1 holds nothing).
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing; returns the descriptor.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the held descriptor, if any, and holds `fd` instead.
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace teedp
