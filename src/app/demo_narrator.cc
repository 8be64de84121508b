#include "app/demo_narrator.h"

#include <cstdio>
#include <iostream>

#include "app/subcommands.h"

namespace teedp::app {

void DemoNarrator::Step(const std::string& title) {
  std::cout << "\n[" << ++step_ << "] " << title << "\n" << std::flush;
}

void DemoNarrator::Detail(const std::string& text) { std::cout << "      " << text << "\n"; }

void DemoNarrator::Check(bool ok, const std::string& what) {
  checks_++;
  if (!ok) failures_++;
  std::cout << "    " << (ok ? "ok     " : "FAILED ") << what << "\n" << std::flush;
}

int DemoNarrator::Fail(const std::string& what) {
  Check(false, what);
  return kExitFailure;
}

int DemoNarrator::Summary() const {
  int passed = checks_ - failures_;
  std::cout << "\ndemo: " << passed << " passed, " << failures_ << " failed\n";
  return failures_ == 0 ? kExitOk : kExitFailure;
}

std::string DemoNarrator::Since(std::chrono::steady_clock::time_point start) {
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f ms", ms);
  return text;
}

}  // namespace teedp::app
