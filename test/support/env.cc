#include "support/env.h"

#include <stdlib.h>

#include <charconv>
#include <cstring>

namespace teedp::testing {

std::optional<int> PositiveIntFromEnv(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  int value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, error] = std::from_chars(text, end, value);
  if (error != std::errc() || ptr != end || value <= 0) return std::nullopt;
  return value;
}

int PositiveIntFromEnv(const char* name, int fallback) {
  return PositiveIntFromEnv(name).value_or(fallback);
}

ScopedEnv::ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
  if (const char* old = std::getenv(name_.c_str())) previous_ = old;
  ::setenv(name_.c_str(), value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (previous_) {
    ::setenv(name_.c_str(), previous_->c_str(), 1);
  } else {
    ::unsetenv(name_.c_str());
  }
}

}  // namespace teedp::testing
