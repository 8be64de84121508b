// Provides the daemon's logging set-up on spdlog: one line per event, level from --log-level,
// format from --log-format (text, or one JSON object per line with time, level, message and the
// event's fields), and LogFields, which attaches structured fields to the events a scope logs.
// Thread safety: call SetUpLogging once at start, before other threads log; LogFields is
// per-thread (fields attach only to what the constructing thread logs while it lives).
#pragma once

#include <spdlog/formatter.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace teedp::observe {

enum class LogFormat { kText, kJson };
// "text" or "json"; InvalidArgument naming the value otherwise.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name);

// Accepts trace, debug, info, warn, error, critical, off and the formats "text" and "json".
// InvalidArgument naming the value.
absl::Status SetUpLogging(std::string_view level, std::string_view format = "text");

// Sends gRPC's own log lines (gpr_log) through the default spdlog logger, with the fields
// source=grpc and file, so they share the format (a stray plain line would break JSON logs).
// SetUpLogging calls it. Call it again after replacing the default logger; not concurrently.
void ForwardGrpcLogs();

// The formatter SetUpLogging gives the logger (tests format through it into their own sinks).
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

using LogField = std::pair<std::string, std::string>;

// While alive, every event this thread logs carries `fields`: as "key=value" after the message in
// text, as members of the JSON object in json. Scopes nest; inner fields come last.
class LogFields {
 public:
  explicit LogFields(std::initializer_list<LogField> fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

 private:
  size_t added_;
};

// `text` as the contents of a JSON string (quotes, backslashes and JSON's control characters
// U+0000-U+001F escaped, invalid UTF-8 replaced by U+FFFD), appended to `out`.
void AppendJsonEscaped(std::string_view text, std::string& out);

}  // namespace teedp::observe
