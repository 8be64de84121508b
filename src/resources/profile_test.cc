#include "resources/profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<ResourceSpec>& specs) {
  std::vector<std::string> names;
  for (const ResourceSpec& spec : specs) names.push_back(NameOf(spec).str());
  return names;
}

const std::vector<hw::GuestTee> kTdxAndTpm = {hw::GuestTee::kTdx, hw::GuestTee::kTpm};

ResourceName Name(std::string_view text) { return ResourceName::Parse(text).value(); }

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
              HasSubstr("unknown profile \"Azure\": expected azure, intel or alibaba"));
}

TEST(ResourcesForTest, EachProfileServesItsDialect) {
  ProfileConfig azure;
  EXPECT_THAT(Names(ResourcesFor(azure, {})),
              ElementsAre("kubernetes.azure.com/sgx_epc_mem_in_MiB"));
  ProfileConfig alibaba;
  alibaba.profile = Profile::kAlibaba;
  EXPECT_THAT(Names(ResourcesFor(alibaba, {})), ElementsAre("alibabacloud.com/sgx_epc_MiB"));
  ProfileConfig intel;
  intel.profile = Profile::kIntel;
  intel.enclave_limit = SharedLimit::Of(20).value();
  std::vector<ResourceSpec> specs = ResourcesFor(intel, {});
  EXPECT_THAT(Names(specs), ElementsAre("sgx.intel.com/enclave", "sgx.intel.com/provision"));
  EXPECT_EQ(std::get<SharedDeviceConfig>(specs[0]).limit.containers(), 20u);
  EXPECT_EQ(EpcExtendedResource(intel), "sgx.intel.com/epc");
  EXPECT_EQ(EpcExtendedResource(azure), std::nullopt);
}

TEST(ResourcesForTest, GuestInterfacesJoinEveryProfileUnderTheirNames) {
  ProfileConfig config;
  config.profile = Profile::kIntel;
  config.guest_resource_names.emplace(hw::GuestTee::kTpm, Name("example.com/vtpm"));
  EXPECT_THAT(Names(ResourcesFor(config, kTdxAndTpm)),
              ElementsAre("sgx.intel.com/enclave", "sgx.intel.com/provision", "intel.com/tdx",
                          "example.com/vtpm"));
}

TEST(ResourcesForTest, IntelIgnoresTheEpcDeviceSettings) {
  ProfileConfig intel;
  intel.profile = Profile::kIntel;
  intel.epc_resource = Name("example.com/epc");
  intel.epc_unit = EpcUnitSize::FromBytes(4 * kMiB).value();
  EXPECT_THAT(Names(ResourcesFor(intel, {})),
              ElementsAre("sgx.intel.com/enclave", "sgx.intel.com/provision"));
}

TEST(ResourcesForTest, TheEpcResourceTakesTheUnit) {
  ProfileConfig config;
  config.epc_resource = Name("example.com/sgx_epc_mem_in_2MiB");
  config.epc_unit = EpcUnitSize::FromBytes(2 * kMiB).value();
  std::vector<ResourceSpec> specs = ResourcesFor(config, {});
  EXPECT_EQ(std::get<EpcConfig>(specs[0]).unit.bytes(), 2 * kMiB);
}

TEST(PlanResourceTest, PlansEachKind) {
  ProfileConfig config;
  hw::Inventory inventory = TdxGuestWithTpm();
  std::vector<ResourceSpec> specs = ResourcesFor(config, kTdxAndTpm);
  ASSERT_EQ(specs.size(), 3u);
  ResourcePlan epc = PlanResource(inventory, specs[0]);
  EXPECT_EQ(std::get<EpcUnits>(epc.kind).unit_bytes, kMiB);
  ResourcePlan tdx = PlanResource(inventory, specs[1]);
  EXPECT_TRUE(tdx.healthy);
  EXPECT_EQ(tdx.unit_count, kDefaultSharedLimit);
  EXPECT_EQ(tdx.kind, ResourceKind(SharedSlots{"/dev/tdx_guest"}));
}

}  // namespace
}  // namespace teedp::resources
