// Provides LogOnChange: the one rule for logging a condition that retries keep meeting (a kubelet
// that refuses registration, an API server out of reach): log when it starts or changes, log
// when it ends, stay quiet while it only repeats. It decides; the caller logs, at its own level.
// Thread safety: none of its own; the owner guards it like the rest of its state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace teedp {

class LogOnChange {
 public:
  // Notes that the condition `state` holds (a key the caller picks: a status code when messages
  // vary between attempts of the same failure, else the message). True when it differs from the
  // state noted last, or none was: the caller logs it then.
  bool Note(std::string_view state) {
    if (state_ == state) return false;
    state_ = std::string(state);
    return true;
  }

  // Notes that no condition holds any more. True when one did: the caller may log the recovery.
  bool Clear() { return std::exchange(state_, std::nullopt).has_value(); }

  // True while a condition is noted.
  bool active() const { return state_.has_value(); }

 private:
  std::optional<std::string> state_;
};

}  // namespace teedp
