#include "resources/unit_name.h"

#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(UnitNameTest, ReadsTheUnitAtTheEndOfTheName) {
  EXPECT_EQ(UnitNamedBy("kubernetes.azure.com/sgx_epc_mem_in_MiB"), kMiB);
  EXPECT_EQ(UnitNamedBy("alibabacloud.com/sgx_epc_MiB"), kMiB);
  EXPECT_EQ(UnitNamedBy("example.com/sgx_epc_mem_in_GiB"), kGiB);
  EXPECT_EQ(UnitNamedBy("example.com/epc_2mib"), 2 * kMiB);
  EXPECT_EQ(UnitNamedBy("example.com/epc-256MiB"), 256 * kMiB);
  EXPECT_EQ(UnitNamedBy("sgx.example.com/epc"), std::nullopt);
  EXPECT_EQ(UnitNamedBy("sgx.example.com/mib-epc"), std::nullopt);
}

TEST(UnitNameTest, MismatchNamesBothAndSuggestsAName) {
  EXPECT_TRUE(CheckUnitMatchesName("kubernetes.azure.com/sgx_epc_mem_in_MiB", kMiB).ok());
  EXPECT_TRUE(CheckUnitMatchesName("example.com/epc", 64 * kMiB).ok());
  absl::Status status = CheckUnitMatchesName("kubernetes.azure.com/sgx_epc_mem_in_MiB", kGiB);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("sgx_epc_mem_in_MiB"), std::string::npos) << status;
  EXPECT_NE(status.message().find("1 GiB"), std::string::npos) << status;
  EXPECT_NE(status.message().find("example.com/sgx_epc_mem_in_GiB"), std::string::npos) << status;
  status = CheckUnitMatchesName("example.com/sgx_epc_mem_in_GiB", 2 * kMiB);
  EXPECT_NE(status.message().find("in_2MiB"), std::string::npos) << status;
}

}  // namespace
}  // namespace teedp::resources
