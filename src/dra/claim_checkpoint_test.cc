#include "dra/claim_checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::dra {
namespace {

using ::testing::HasSubstr;

Checkpoint TwoClaims() {
  Checkpoint checkpoint;
  checkpoint["0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b"] = {
      .namespace_name = "team-a",
      .name = "enclave-memory",
      .driver = "sgx.tee.dev",
      .cdi_spec_file = "sgx.tee.dev-claim-0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b.json",
      .devices = {{.request_names = {"epc"},
                   .pool = "node-a",
                   .device = "epc-numa-1",
                   .cdi_device_id = "sgx.tee.dev/claim=0b7e6a52-epc-numa-1-5d1c",
                   .share_id = "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13",
                   .consumed_capacity = {{"epc", "64Mi"}}},
                  {.request_names = {"a", "b"},
                   .pool = "node-a",
                   .device = "enclave",
                   .cdi_device_id = "sgx.tee.dev/claim=0b7e6a52-enclave",
                   .share_id = "",
                   .consumed_capacity = {}}}};
  checkpoint["9e0f2a11-7c3d-4b5e-8f60-1a2b3c4d5e6f"] = {
      .namespace_name = "vm",
      .name = "quote",
      .driver = "guest.tee.dev",
      .cdi_spec_file = "guest.tee.dev-claim-9e0f2a11-7c3d-4b5e-8f60-1a2b3c4d5e6f.json",
      .devices = {}};
  return checkpoint;
}

TEST(ClaimCheckpointTest, ReadsBackWhatItWrote) {
  const Checkpoint written = TwoClaims();
  absl::StatusOr<Checkpoint> read = ParseCheckpoint(SerializeCheckpoint(written));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, written);
  absl::StatusOr<Checkpoint> empty = ParseCheckpoint(SerializeCheckpoint({}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
}

TEST(ClaimCheckpointTest, RefusesWhatItDidNotWriteNamingTheField) {
  struct Case {
    std::string text;
    const char* says;
  };
  const std::string record_head =
      R"({"version":1,"claims":{"u":{"namespace":"n","name":"c","driver":"sgx.tee.dev",)";
  for (const Case& c : std::vector<Case>{
           {"", "is not a JSON object"},
           {R"({"version":2,"claims":{}})", "version is not 1"},
           {R"({"version":"1","claims":{}})", "version is not 1"},
           {R"({"version":1})", "claims is missing"},
           {R"({"version":1,"claims":{"u":[]}})", "claims.u is not an object"},
           {record_head + R"("devices":[]}}})", "claims.u.cdiSpecFile is missing"},
           {record_head + R"("cdiSpecFile":"../../etc/passwd","devices":[]}}})",
            "claims.u.cdiSpecFile is not a plain file name"},
           {record_head + R"("cdiSpecFile":"..","devices":[]}}})", "not a plain file name"},
           {record_head + R"("cdiSpecFile":"f.json"}}})", "claims.u.devices is missing"},
           {record_head + R"("cdiSpecFile":"f.json","devices":[{"requestNames":[1]}]}}})",
            "claims.u.devices[0].requestNames holds a non-string"},
           {record_head + R"("cdiSpecFile":"f.json","devices":[{"requestNames":[],"pool":"p"}]}}})",
            "claims.u.devices[0].device is missing"},
       }) {
    absl::StatusOr<Checkpoint> read = ParseCheckpoint(c.text);
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(read.status().message(), HasSubstr(c.says)) << c.text;
  }
}

}  // namespace
}  // namespace teedp::dra
