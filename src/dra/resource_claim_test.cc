#include "dra/resource_claim.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::dra {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// As kube-apiserver 1.37 answers a GET of an allocated claim (fields not read here trimmed).
constexpr char kAllocated[] = R"({
  "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
  "metadata": {"name": "enclave-memory", "namespace": "team-a",
               "uid": "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b", "resourceVersion": "812"},
  "spec": {"devices": {"requests": [{"name": "epc", "exactly": {
    "deviceClassName": "epc.sgx.tee.dev", "capacity": {"requests": {"epc": "64Mi"}}}}]}},
  "status": {
    "allocation": {
      "devices": {"results": [{
        "request": "epc", "driver": "sgx.tee.dev", "pool": "node-a", "device": "epc-numa-1",
        "shareID": "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13", "consumedCapacity": {"epc": "64Mi"}}]},
      "nodeSelector": {"nodeSelectorTerms": [{"matchFields": [
        {"key": "metadata.name", "operator": "In", "values": ["node-a"]}]}]}},
    "reservedFor": [{"resource": "pods", "name": "enclave", "uid": "c2c7a3c0-1111-2222-3333-444455556666"}]
  }
})";

TEST(ParseResourceClaimTest, ReadsTheIdentityAndTheAllocationResults) {
  absl::StatusOr<ResourceClaim> claim = ParseResourceClaim(kAllocated);
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->name, "enclave-memory");
  EXPECT_EQ(claim->namespace_name, "team-a");
  EXPECT_EQ(claim->uid, "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b");
  EXPECT_TRUE(claim->allocated);
  EXPECT_THAT(claim->results,
              ElementsAre(AllocationResult{.request = "epc",
                                           .driver = "sgx.tee.dev",
                                           .pool = "node-a",
                                           .device = "epc-numa-1",
                                           .share_id = "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13",
                                           .consumed_capacity = {{"epc", "64Mi"}}}));
}

TEST(ParseResourceClaimTest, AClaimWithoutAllocationIsNotAllocated) {
  for (const char* json : {
           R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"}})",
           R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"}, "status": {}})",
           R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"}, "status": null})",
       }) {
    absl::StatusOr<ResourceClaim> claim = ParseResourceClaim(json);
    ASSERT_TRUE(claim.ok()) << json << ": " << claim.status();
    EXPECT_FALSE(claim->allocated) << json;
    EXPECT_THAT(claim->results, IsEmpty());
  }
}

TEST(ParseResourceClaimTest, ResultsWithoutShareOrCapacityAreFine) {
  absl::StatusOr<ResourceClaim> claim = ParseResourceClaim(
      R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"},
          "status": {"allocation": {"devices": {"results": [
            {"request": "tdx", "driver": "guest.tee.dev", "pool": "vm-1", "device": "tdx-guest"}]}}}})");
  ASSERT_TRUE(claim.ok()) << claim.status();
  ASSERT_EQ(claim->results.size(), 1u);
  EXPECT_EQ(claim->results[0].share_id, "");
  EXPECT_THAT(claim->results[0].consumed_capacity, IsEmpty());
}

TEST(ParseResourceClaimTest, MalformedClaimsAreRefusedNamingTheField) {
  struct Case {
    const char* json;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"", "not a JSON object"},
           {"[]", "not a JSON object"},
           {R"({"metadata": {"name": "c", "namespace": "n", "uid": "u")", "not a JSON object"},
           {R"({"kind": "ResourceClaim"})", "metadata is missing"},
           {R"({"metadata": {"name": "c", "namespace": "n"}})", "metadata.uid is missing"},
           {R"({"metadata": {"name": 7, "namespace": "n", "uid": "u"}})",
            "metadata.name is not a string"},
           {R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"}, "status": []})",
            "status is not an object"},
           {R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"},
                "status": {"allocation": {"devices": {"results": {}}}}})",
            "status.allocation.devices.results is not a list"},
           {R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"},
                "status": {"allocation": {"devices": {"results": [
                  {"request": "r", "driver": "d", "pool": "p"}]}}}})",
            "status.allocation.devices.results[0].device is missing"},
           {R"({"metadata": {"name": "c", "namespace": "n", "uid": "u"},
                "status": {"allocation": {"devices": {"results": [
                  {"request": "r", "driver": "d", "pool": "p", "device": "x",
                   "consumedCapacity": {"epc": 4096}}]}}}})",
            "results[0].consumedCapacity.epc is not a quantity string"},
       }) {
    absl::StatusOr<ResourceClaim> claim = ParseResourceClaim(c.json);
    EXPECT_EQ(claim.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(claim.status().message(), HasSubstr(c.says)) << c.json;
  }
}

}  // namespace
}  // namespace teedp::dra
