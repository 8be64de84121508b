#include "kubeapi/api_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::kubeapi {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

ApiCallContext PatchContext() {
  return {.verb = "patch",
          .resource = "nodes/status",
          .node_name = "worker-1",
          .url = "https://10.0.0.1:443",
          .token_file = "/sa/token"};
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(ApiAnswerTest, TakesTheMessageOfAKubernetesStatusObject) {
  EXPECT_EQ(ApiErrorMessage(R"({"kind":"Status","status":"Failure","message":"nodes \"x\" is )"
                            R"(forbidden","reason":"Forbidden","code":403})"),
            "nodes \"x\" is forbidden");
  EXPECT_EQ(ApiErrorMessage(R"({"message":"line\none"})"), "line one");
}

TEST(ApiAnswerTest, FallsBackToTheBodyMadePrintableAndShort) {
  EXPECT_EQ(ApiErrorMessage("  upstream\tdown\r\n"), "upstream down");
  EXPECT_EQ(ApiErrorMessage(""), "(empty answer)");
  EXPECT_EQ(ApiErrorMessage(R"({"message":7})"), R"({"message":7})");
  const std::string huge(10000, 'x');
  const std::string message = ApiErrorMessage(huge);
  EXPECT_EQ(message.size(), kMaxApiMessage);
  EXPECT_TRUE(message.ends_with("..."));
}

TEST(ApiAnswerTest, SuccessIsOk) {
  EXPECT_TRUE(StatusFromApiAnswer(200, "{}", PatchContext()).ok());
  EXPECT_TRUE(StatusFromApiAnswer(201, "", PatchContext()).ok());
}

TEST(ApiAnswerTest, ForbiddenNamesTheRbacThatIsMissing) {
  absl::Status status =
      StatusFromApiAnswer(403, R"({"kind":"Status","message":"no way"})", PatchContext());
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(Message(status),
              AllOf(HasSubstr("403"), HasSubstr("no way"), HasSubstr("verb \"patch\""),
                    HasSubstr("resource \"nodes/status\""), HasSubstr("https://10.0.0.1:443")));
}

TEST(ApiAnswerTest, UnauthorizedNamesTheTokenFile) {
  absl::Status status = StatusFromApiAnswer(401, "Unauthorized", PatchContext());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(Message(status), AllOf(HasSubstr("401"), HasSubstr("/sa/token")));
}

TEST(ApiAnswerTest, NotFoundNamesTheNode) {
  absl::Status status = StatusFromApiAnswer(404, "", PatchContext());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(status), AllOf(HasSubstr("\"worker-1\""), HasSubstr("NODE_NAME")));
}

TEST(ApiAnswerTest, OtherCodesMapByWhetherARetryCanHelp) {
  EXPECT_EQ(StatusFromApiAnswer(422, "", PatchContext()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusFromApiAnswer(409, "", PatchContext()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusFromApiAnswer(500, "", PatchContext()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromApiAnswer(503, "", PatchContext()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromApiAnswer(429, "", PatchContext()).code(), absl::StatusCode::kUnavailable);
  absl::Status odd = StatusFromApiAnswer(302, "", PatchContext());
  EXPECT_EQ(odd.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(Message(odd), HasSubstr("302"));
}

}  // namespace
}  // namespace teedp::kubeapi
