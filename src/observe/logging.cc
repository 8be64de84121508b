#include "observe/logging.h"

#include <grpc/support/log.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace tee::observe {
namespace {

thread_local std::vector<LogField> current_fields;

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong three- and four-byte forms, surrogates and code points above U+10FFFF.
  if ((lead == 0xE0 && byte(i + 1) < 0xA0) || (lead == 0xED && byte(i + 1) > 0x9F) ||
      (lead == 0xF0 && byte(i + 1) < 0x90) || (lead == 0xF4 && byte(i + 1) > 0x8F)) {
    return 0;
  }
  return length;
}

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
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      out += length == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(i, length);
      i += length == 0 ? 1 : length;
      continue;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
}

LogFields::LogFields(std::initializer_list<LogField> fields) : added_(fields.size()) {
  current_fields.insert(current_fields.end(), fields.begin(), fields.end());
}

LogFields::~LogFields() { current_fields.resize(current_fields.size() - added_); }

absl::Status SetUpLogging(std::string_view level, std::string_view format) {
  absl::StatusOr<spdlog::level::level_enum> parsed = ParseLevel(level);
  if (!parsed.ok()) return parsed.status();
  if (format != "text" && format != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown log format \"", std::string(format), "\" (use text or json)"));
  }
  // Not registered by name, so a second set-up (demo, tests) replaces the first cleanly. Colour
  // only in text: escape codes inside JSON would break every parser.
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (format == "json") {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("tee-device-plugin", sink);
  logger->set_formatter(MakeLogFormatter(format == "json" ? LogFormat::kJson : LogFormat::kText));
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  ForwardGrpcLogs();
  return absl::OkStatus();
}

}  // namespace tee::observe
