#include "resources/profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<ResourceSpec>& specs) {
  std::vector<std::string> names;
  for (const ResourceSpec& spec : specs) names.push_back(spec.resource_name);
  return names;
}

hw::Inventory TdxGuestWithTpm() {
  hw::Inventory inventory;
  inventory.guest_devices = {{hw::GuestTee::kTdx, "/dev/tdx_guest"},
                             {hw::GuestTee::kTpm, "/dev/tpmrm0"}};
  return inventory;
}

TEST(ProfileTest, NamesParseAndBadOnesAreNamed) {
  EXPECT_EQ(ParseProfile("intel").value(), Profile::kIntel);
  EXPECT_EQ(ParseProfile("alibaba").value(), Profile::kAlibaba);
  absl::StatusOr<Profile> bad = ParseProfile("Azure");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("--profile Azure: expected azure, intel or alibaba"));
}

TEST(ResourcesForTest, EachProfileServesItsDialect) {
  ProfileConfig azure;
  EXPECT_THAT(Names(ResourcesFor(azure, {}).value()),
              ElementsAre("kubernetes.azure.com/sgx_epc_mem_in_MiB"));
  ProfileConfig alibaba;
  alibaba.profile = Profile::kAlibaba;
  EXPECT_THAT(Names(ResourcesFor(alibaba, {}).value()),
              ElementsAre("alibabacloud.com/sgx_epc_MiB"));
  ProfileConfig intel;
  intel.profile = Profile::kIntel;
  intel.enclave_limit = 20;
  std::vector<ResourceSpec> specs = ResourcesFor(intel, {}).value();
  EXPECT_THAT(Names(specs), ElementsAre("sgx.intel.com/enclave", "sgx.intel.com/provision"));
  EXPECT_EQ(specs[0].shared->limit, 20u);
  EXPECT_EQ(EpcExtendedResource(intel), "sgx.intel.com/epc");
  EXPECT_EQ(EpcExtendedResource(azure), std::nullopt);
}

TEST(ResourcesForTest, GuestInterfacesJoinEveryProfileUnderTheirNames) {
  ProfileConfig config;
  config.profile = Profile::kIntel;
  config.guest_resource_names[hw::GuestTee::kTpm] = "example.com/vtpm";
  EXPECT_THAT(Names(ResourcesFor(config, TdxGuestWithTpm()).value()),
              ElementsAre("sgx.intel.com/enclave", "sgx.intel.com/provision", "intel.com/tdx",
                          "example.com/vtpm"));
}

TEST(ResourcesForTest, EpcCountedTwiceIsRefused) {
  ProfileConfig intel;
  intel.profile = Profile::kIntel;
  intel.epc_resource = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
  absl::StatusOr<std::vector<ResourceSpec>> specs = ResourcesFor(intel, {});
  ASSERT_FALSE(specs.ok());
  EXPECT_THAT(specs.status().message(), HasSubstr("would count EPC twice"));
  EXPECT_THAT(specs.status().message(), HasSubstr("sgx.intel.com/epc"));
  ProfileConfig azure;
  azure.register_epc = true;
  specs = ResourcesFor(azure, {});
  ASSERT_FALSE(specs.ok());
  EXPECT_THAT(specs.status().message(),
              HasSubstr("--register-epc with --profile azure would count EPC twice"));
  intel.epc_resource.reset();
  intel.register_epc = true;
  EXPECT_TRUE(ResourcesFor(intel, {}).ok());
}

TEST(ResourcesForTest, UnitAndNameMustAgree) {
  ProfileConfig config;
  config.epc_unit_bytes = 2 * kMiB;
  EXPECT_FALSE(ResourcesFor(config, {}).ok()) << "..._in_MiB counted in 2 MiB";
  config.epc_resource = "example.com/sgx_epc_mem_in_2MiB";
  std::vector<ResourceSpec> specs = ResourcesFor(config, {}).value();
  EXPECT_EQ(specs[0].epc->unit_bytes, 2 * kMiB);
  config.epc_unit_bytes = 3 * kMiB;
  EXPECT_FALSE(ResourcesFor(config, {}).ok());
}

TEST(ResourcesForTest, ClashingNamesAndBadLimitsAreRefused) {
  ProfileConfig config;
  config.guest_resource_names[hw::GuestTee::kTdx] = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
  absl::StatusOr<std::vector<ResourceSpec>> specs = ResourcesFor(config, TdxGuestWithTpm());
  ASSERT_FALSE(specs.ok());
  EXPECT_THAT(specs.status().message(), HasSubstr("two resources are named"));
  config.guest_resource_names.clear();
  config.guest_limit = 0;
  EXPECT_FALSE(ResourcesFor(config, TdxGuestWithTpm()).ok());
  EXPECT_TRUE(ResourcesFor(config, {}).ok()) << "no guest interface, so no guest limit applies";
}

TEST(PlanResourceTest, PlansEachKind) {
  ProfileConfig config;
  hw::Inventory inventory = TdxGuestWithTpm();
  std::vector<ResourceSpec> specs = ResourcesFor(config, inventory).value();
  ASSERT_EQ(specs.size(), 3u);
  absl::StatusOr<EpcPlan> epc = PlanResource(inventory, specs[0]);
  ASSERT_TRUE(epc.ok());
  EXPECT_EQ(epc->unit_bytes, kMiB);
  absl::StatusOr<EpcPlan> tdx = PlanResource(inventory, specs[1]);
  ASSERT_TRUE(tdx.ok());
  EXPECT_TRUE(tdx->healthy);
  EXPECT_EQ(tdx->unit_count, kDefaultSharedLimit);
  EXPECT_FALSE(PlanResource(inventory, ResourceSpec{"a.b/c", {}, {}}).ok());
}

}  // namespace
}  // namespace teedp::resources
