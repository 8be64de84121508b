#include "observe/logging.h"

#include <grpc/support/log.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace teedp::observe {
namespace {

// Logs through the real formatter into a string.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format)
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_st>(out_)), logger_("test", sink_) {
    logger_.set_formatter(MakeLogFormatter(format));
    logger_.set_level(spdlog::level::trace);
  }
  spdlog::logger& logger() { return logger_; }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_st> sink_;
  spdlog::logger logger_;
};

TEST(LoggingTest, JsonIsOneObjectPerLineWithTimeLevelMessageAndFields) {
  CapturedLog log(LogFormat::kJson);
  {
    LogFields fields({{"resource", "example.com/epc"}});
    log.logger().warn("quote \" backslash \\ newline \n tab \t done");
  }
  log.logger().info("second");
  std::istringstream lines(log.text());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra)) << "the newline in the message stays escaped";
  nlohmann::json one = nlohmann::json::parse(first);
  EXPECT_EQ(one["level"], "warning");
  EXPECT_EQ(one["msg"], "quote \" backslash \\ newline \n tab \t done");
  EXPECT_EQ(one["resource"], "example.com/epc");
  EXPECT_EQ(one["time"].get<std::string>().size(),
            std::string("2024-01-01T00:00:00.000000Z").size());
  EXPECT_EQ(one["time"].get<std::string>().back(), 'Z');
  nlohmann::json two = nlohmann::json::parse(second);
  EXPECT_EQ(two["msg"], "second");
  EXPECT_FALSE(two.contains("resource")) << "fields end with their scope";
}

TEST(LoggingTest, TextAppendsFieldsAsKeyValue) {
  CapturedLog log(LogFormat::kText);
  LogFields outer({{"a", "1"}});
  LogFields inner({{"b", "2"}});
  log.logger().info("hello");
  EXPECT_NE(log.text().find(" info hello a=1 b=2\n"), std::string::npos) << log.text();
}

TEST(LoggingTest, JsonEscapingKeepsValidUtf8AndReplacesTheRest) {
  std::string out;
  AppendJsonEscaped("caf\xC3\xA9 \x01 \xFF \xC0\xAF \xED\xA0\x80 \xF0\x9F\x98\x80 \x7F", out);
  EXPECT_EQ(
      out,
      "caf\xC3\xA9 \\u0001 \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x80 \x7F");  // DEL is no JSON control
  EXPECT_TRUE(nlohmann::json::accept("\"" + out + "\""));
}

TEST(LoggingTest, GrpcLogLinesComeThroughTheSameFormat) {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  logger->set_formatter(MakeLogFormatter(LogFormat::kJson));
  const std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  ForwardGrpcLogs();
  gpr_log_verbosity_init();  // grpc_init() does this in the daemon (GRPC_VERBOSITY, default ERROR)
  gpr_log(GPR_ERROR, "subchannel %d failed", 7);
  spdlog::set_default_logger(previous);
  ForwardGrpcLogs();  // away from `out`, which dies with this test
  nlohmann::json event = nlohmann::json::parse(out.str());
  EXPECT_EQ(event["level"], "error");
  EXPECT_EQ(event["msg"], "subchannel 7 failed");
  EXPECT_EQ(event["source"], "grpc");
  EXPECT_NE(event["file"].get<std::string>().find("logging_test.cc:"), std::string::npos);
}

TEST(LoggingTest, RefusesUnknownLevelsAndFormats) {
  EXPECT_EQ(SetUpLogging("loud").code(), absl::StatusCode::kInvalidArgument);
  absl::Status status = SetUpLogging("info", "xml");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("xml"), std::string::npos);
  EXPECT_TRUE(SetUpLogging("info", "json").ok());
  EXPECT_TRUE(SetUpLogging("off", "text").ok());
}

}  // namespace
}  // namespace teedp::observe
