// Provides the tests' environment knobs: a positive number read from a variable (how long or how
// often soak-style tests run), and ScopedEnv, which sets a variable for one test and restores it.
// Thread safety: the environment is process-wide; use from the test's thread while no other
// thread reads it.
#pragma once

#include <optional>
#include <string>

namespace teedp::testing {

// The positive integer in $name, or nullopt when unset, not a number or not positive.
std::optional<int> PositiveIntFromEnv(const char* name);
// The same with a `fallback` for nullopt.
int PositiveIntFromEnv(const char* name, int fallback);

class ScopedEnv {
 public:
  // Sets $name to `value` until destruction, then puts back what was there (or unsets it).
  ScopedEnv(std::string name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

}  // namespace teedp::testing
