// Provides DemoNarrator: numbered steps, indented details and checks printed as the demo runs, and
// the verdict at the end.
// Thread safety: Fail() may be called from the serving thread; the rest from the demo's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace teedp::app {

class DemoNarrator {
 public:
  void Step(const std::string& title);
  void Detail(const std::string& text);
  // Prints "ok" or "FAILED" with `what`; a failure makes Summary() return 1.
  void Check(bool ok, const std::string& what);
  // Reports a failure that ends the demo; returns the exit code to use.
  int Fail(const std::string& what);
  // Prints the verdict; returns 0 when every check passed.
  int Summary() const;
  // "12.3 ms" since `start`.
  static std::string Since(std::chrono::steady_clock::time_point start);

 private:
  int step_ = 0;
  std::atomic<int> checks_{0};
  std::atomic<int> failures_{0};
};

}  // namespace teedp::app
