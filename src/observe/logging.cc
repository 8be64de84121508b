#include "observe/logging.h"

#include <grpc/support/log.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace teedp::observe {
namespace {

thread_local std::vector<LogField> current_fields;

// "2024-05-01T12:00:00.123456Z"
std::string Rfc3339Utc(spdlog::log_clock::time_point time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromChrono(time), absl::UTCTimeZone());
}

void AppendMember(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  AppendJsonEscaped(key, out);
  out += "\":\"";
  AppendJsonEscaped(value, out);
  out += '"';
}

// {"time":"...","level":"info","msg":"...",<fields>}
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = absl::StrCat("{\"time\":\"", Rfc3339Utc(msg.time), "\"");
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    AppendMember(line, "level", std::string_view(level.data(), level.size()));
    AppendMember(line, "msg", std::string_view(msg.payload.data(), msg.payload.size()));
    for (const auto& [key, value] : current_fields) AppendMember(line, key, value);
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// %* in the text pattern: " key=value" per field.
class TextFieldsFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (const auto& [key, value] : current_fields) {
      const std::string text = absl::StrCat(" ", key, "=", value);
      dest.append(text.data(), text.data() + text.size());
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<TextFieldsFlag>();
  }
};

absl::StatusOr<spdlog::level::level_enum> ParseLevel(std::string_view level) {
  const std::string name(level);
  spdlog::level::level_enum parsed = spdlog::level::from_str(name);
  // from_str maps anything unknown to off; only "off" itself may mean off.
  if (parsed == spdlog::level::off && name != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown log level \"", name, "\" (use trace, debug, info, warn, error, critical or off)"));
  }
  return parsed;
}

spdlog::level::level_enum GrpcLevel(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG:
      return spdlog::level::debug;
    case GPR_LOG_SEVERITY_INFO:
      return spdlog::level::info;
    case GPR_LOG_SEVERITY_ERROR:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

// The logger gRPC's lines go to. Loggers handed out here are never freed: gRPC threads may still
// log while static destructors run at exit.
std::atomic<spdlog::logger*> grpc_logger{nullptr};

// Runs on whichever gRPC thread logs; the logger's sinks are thread-safe.
void ForwardGrpcLog(gpr_log_func_args* args) {
  spdlog::logger* logger = grpc_logger.load();
  if (logger == nullptr) return;
  LogFields fields(
      {{"source", "grpc"},
       {"file", absl::StrCat(args->file == nullptr ? "" : args->file, ":", args->line)}});
  logger->log(GrpcLevel(args->severity), "{}", args->message == nullptr ? "" : args->message);
}

}  // namespace

void ForwardGrpcLogs() {
  static auto* kept = new std::vector<std::shared_ptr<spdlog::logger>>();  // never freed: above
  kept->push_back(spdlog::default_logger());
  grpc_logger.store(kept->back().get());
  gpr_set_log_function(&ForwardGrpcLog);
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonFormatter>();
  auto text = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  text->add_flag<TextFieldsFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v%*");
  return text;
}

void AppendJsonEscaped(std::string_view text, std::string& out) {
  // The library's own escaper; `replace` turns invalid UTF-8 into U+FFFD instead of throwing.
  const std::string quoted =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.append(quoted, 1, quoted.size() - 2);
}

LogFields::LogFields(std::initializer_list<LogField> fields) : added_(fields.size()) {
  current_fields.insert(current_fields.end(), fields.begin(), fields.end());
}

LogFields::~LogFields() { current_fields.resize(current_fields.size() - added_); }

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log format \"", std::string(name), "\" (use text or json)"));
}

absl::Status SetUpLogging(std::string_view level, std::string_view format) {
  absl::StatusOr<spdlog::level::level_enum> parsed = ParseLevel(level);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<LogFormat> parsed_format = ParseLogFormat(format);
  if (!parsed_format.ok()) return parsed_format.status();
  // Not registered by name, so a second set-up (demo, tests) replaces the first cleanly. Colour
  // only in text: escape codes inside JSON would break every parser.
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (*parsed_format == LogFormat::kJson) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("tee-device-plugin", sink);
  logger->set_formatter(MakeLogFormatter(*parsed_format));
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  ForwardGrpcLogs();
  return absl::OkStatus();
}

}  // namespace teedp::observe
