// Provides TEE_RETURN_IF_ERROR and TEE_ASSIGN_OR_RETURN, which Debian's abseil does not ship.
// Macros only; no state, so thread safety does not apply.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TEE_STATUS_CONCAT_INNER(a, b) a##b
#define TEE_STATUS_CONCAT(a, b) TEE_STATUS_CONCAT_INNER(a, b)

// Returns the status of `expr` from the enclosing function when it is not OK.
#define TEE_RETURN_IF_ERROR(expr)                               \
  do {                                                          \
    if (absl::Status tee_status_ = (expr); !tee_status_.ok()) { \
      return tee_status_;                                       \
    }                                                           \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when not OK, else moves the
// value into `lhs` (which may be a declaration such as `auto x`).
#define TEE_ASSIGN_OR_RETURN(lhs, rexpr) \
  TEE_ASSIGN_OR_RETURN_IMPL(TEE_STATUS_CONCAT(tee_statusor_, __LINE__), lhs, rexpr)

// `statusor` is a name and `lhs` may be a declaration: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TEE_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) {                                 \
    return std::move(statusor).status();                \
  }                                                     \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)
