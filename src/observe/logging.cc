#include "observe/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace tee::observe {

absl::Status SetUpLogging(std::string_view level) {
  const std::string name(level);
  spdlog::level::level_enum parsed = spdlog::level::from_str(name);
  // from_str maps anything unknown to off; only "off" itself may mean off.
  if (parsed == spdlog::level::off && name != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown log level \"", name, "\" (use trace, debug, info, warn, error, critical or off)"));
  }
  // Not registered by name, so a second set-up (demo, tests) replaces the first cleanly.
  auto logger = std::make_shared<spdlog::logger>(
      "tee-device-plugin", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return absl::OkStatus();
}

}  // namespace tee::observe
