#include "resources/claim_preparation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUid[] = "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b";
constexpr char kShareA[] = "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13";
constexpr char kShareB[] = "9e0f2a11-7c3d-4b5e-8f60-1a2b3c4d5e6f";

DraDriverDevices SgxNode() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.numa_epc = {{0, uint64_t{4} << 30}, {1, uint64_t{4} << 30}};
  inventory.epc_bytes = uint64_t{8} << 30;
  inventory.aesmd_socket_dir = true;
  return PlanDraDevices(inventory)[0];
}

const ClaimRef kClaim{"team-a", "enclave-memory", kUid};

AllocationResult Epc(const char* request, const char* device, const char* share_id) {
  return {.request = request,
          .driver = "sgx.tee.dev",
          .pool = "node-a",
          .device = device,
          .share_id = share_id,
          .consumed_capacity = {{"epc", "64Mi"}}};
}

TEST(PrepareClaimDevicesTest, EachAllocatedDeviceBecomesACdiDeviceNamedByClaimDeviceAndShare) {
  absl::StatusOr<PreparedClaim> prepared =
      PrepareClaimDevices(kClaim, {Epc("epc", "epc-numa-1", kShareA)}, "node-a", SgxNode());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  const std::string cdi_name = std::string(kUid) + "-epc-numa-1-" + kShareA;
  EXPECT_THAT(prepared->devices,
              ElementsAre(PreparedDevice{.request_names = {"epc"},
                                         .pool = "node-a",
                                         .device = "epc-numa-1",
                                         .cdi_device_id = "sgx.tee.dev/claim=" + cdi_name,
                                         .share_id = kShareA,
                                         .consumed_capacity = {{"epc", "64Mi"}}}));
  EXPECT_EQ(prepared->cdi_spec_file, std::string("sgx.tee.dev-claim-") + kUid + ".json");
  EXPECT_EQ(nlohmann::json::parse(prepared->cdi_spec)["kind"], "sgx.tee.dev/claim");
  ASSERT_EQ(nlohmann::json::parse(prepared->cdi_spec)["devices"].size(), 1u);
  const nlohmann::json spec = nlohmann::json::parse(prepared->cdi_spec);
  const nlohmann::json& device = spec["devices"][0];
  EXPECT_EQ(device["name"], cdi_name);
  // The EPC device's edits: the SGX nodes, and aesmd with SGX_AESM_ADDR.
  EXPECT_EQ(device["containerEdits"]["env"], nlohmann::json({"SGX_AESM_ADDR=1"}));
  EXPECT_EQ(device["containerEdits"]["mounts"][0]["hostPath"], "/var/run/aesmd");
  EXPECT_EQ(device["containerEdits"]["deviceNodes"].size(), 4u);  // flat and /dev/sgx/ paths
}

TEST(PrepareClaimDevicesTest, TwoSharesOfOneDeviceAreTwoCdiDevices) {
  absl::StatusOr<PreparedClaim> prepared = PrepareClaimDevices(
      kClaim, {Epc("a", "epc-numa-0", kShareA), Epc("b", "epc-numa-0", kShareB)}, "node-a",
      SgxNode());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  ASSERT_EQ(prepared->devices.size(), 2u);
  EXPECT_NE(prepared->devices[0].cdi_device_id, prepared->devices[1].cdi_device_id);
  EXPECT_EQ(nlohmann::json::parse(prepared->cdi_spec)["devices"].size(), 2u);
}

TEST(PrepareClaimDevicesTest, OneUnsharedDeviceForTwoRequestsIsPreparedOnce) {
  absl::StatusOr<PreparedClaim> prepared = PrepareClaimDevices(
      kClaim, {Epc("first", "enclave", ""), Epc("second", "enclave", "")}, "node-a", SgxNode());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  ASSERT_EQ(prepared->devices.size(), 1u);
  EXPECT_THAT(prepared->devices[0].request_names, ElementsAre("first", "second"));
  EXPECT_EQ(prepared->devices[0].cdi_device_id,
            std::string("sgx.tee.dev/claim=") + kUid + "-enclave");
}

TEST(PrepareClaimDevicesTest, ResultsOfOtherDriversAndNodesAreLeftToThem) {
  AllocationResult gpu = Epc("gpu", "gpu-0", "");
  gpu.driver = "gpu.example.com";
  AllocationResult elsewhere = Epc("epc", "epc-numa-0", kShareB);
  elsewhere.pool = "node-b";
  absl::StatusOr<PreparedClaim> prepared = PrepareClaimDevices(
      kClaim, {gpu, elsewhere, Epc("epc", "epc-numa-1", kShareA)}, "node-a", SgxNode());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  ASSERT_EQ(prepared->devices.size(), 1u);
  EXPECT_EQ(prepared->devices[0].device, "epc-numa-1");

  absl::StatusOr<PreparedClaim> none =
      PrepareClaimDevices(kClaim, {gpu, elsewhere}, "node-a", SgxNode());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(),
              HasSubstr("claim team-a/enclave-memory has no device of driver sgx.tee.dev on "
                        "node node-a"));
}

TEST(PrepareClaimDevicesTest, ADeviceTheNodeNoLongerPublishesIsRefusedByName) {
  absl::StatusOr<PreparedClaim> prepared =
      PrepareClaimDevices(kClaim, {Epc("epc", "epc-numa-7", kShareA)}, "node-a", SgxNode());
  EXPECT_EQ(prepared.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(prepared.status().message(), HasSubstr("epc-numa-7"));
}

TEST(PrepareClaimDevicesTest, UidsAndSharesThatCannotNameACdiDeviceAreRefused) {
  for (const char* uid : {"", "../../etc/passwd", "a b", "x=y"}) {
    absl::StatusOr<PreparedClaim> prepared = PrepareClaimDevices(
        {"n", "c", uid}, {Epc("epc", "epc-numa-0", kShareA)}, "node-a", SgxNode());
    EXPECT_EQ(prepared.status().code(), absl::StatusCode::kInvalidArgument) << uid;
    EXPECT_THAT(prepared.status().message(), HasSubstr("is not a UID"));
  }
  absl::StatusOr<PreparedClaim> bad_share =
      PrepareClaimDevices(kClaim, {Epc("epc", "epc-numa-0", "a/b")}, "node-a", SgxNode());
  EXPECT_EQ(bad_share.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_share.status().message(), HasSubstr("shareID \"a/b\""));
}

}  // namespace
}  // namespace teedp::resources
