#include "resources/unit_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "resources/device_id.h"

namespace teedp::resources {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(UnitSelectionTest, AddsIdsAndListsThemAscending) {
  UnitSelection selection(200);
  for (const char* id : {"2r", "0", "1r", "1s", "5j"}) ASSERT_TRUE(selection.Add(id).ok()) << id;
  EXPECT_EQ(selection.size(), 5u);
  EXPECT_EQ(selection.unit_count(), 200u);
  EXPECT_THAT(selection.Indices(), ElementsAre(0u, 63u, 64u, 99u, 199u));
  EXPECT_TRUE(selection.Contains(63));
  EXPECT_FALSE(selection.Contains(62));
  EXPECT_FALSE(selection.Contains(200));  // outside the plan: simply not contained
}

TEST(UnitSelectionTest, UnknownIdsAreRejectedWithTheQuotedId) {
  UnitSelection selection(100);
  EXPECT_EQ(Message(selection.Add("2s")), "unknown device ID \"2s\"");  // 100: out of range
  EXPECT_EQ(Message(selection.Add("A")), "unknown device ID \"A\"");
  EXPECT_EQ(Message(selection.Add("")), "unknown device ID \"\"");
  EXPECT_EQ(Message(selection.Add("01")), "unknown device ID \"01\"");
  EXPECT_EQ(Message(selection.Add("1\n")), "unknown device ID \"1\\x0a\"");
  EXPECT_EQ(Message(selection.Add(std::string(1000, 'x'))),
            "unknown device ID \"" + std::string(64, 'x') + "\"...");
  EXPECT_EQ(selection.Add("zz").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(selection.size(), 0u);
}

TEST(UnitSelectionTest, DuplicatesAreRejected) {
  UnitSelection selection(100);
  ASSERT_TRUE(selection.Add("a").ok());
  absl::Status status = selection.Add("a");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(status), "duplicate device ID \"a\"");
  EXPECT_EQ(selection.size(), 1u);
}

TEST(UnitSelectionTest, EmptyPlanKnowsNoIds) {
  UnitSelection selection(0);
  EXPECT_EQ(Message(selection.Add("0")), "unknown device ID \"0\"");
  EXPECT_THAT(selection.Indices(), IsEmpty());
}

TEST(UnitSelectionTest, AddIndexIsIdempotent) {
  UnitSelection selection(64);
  selection.AddIndex(63);
  selection.AddIndex(63);
  EXPECT_EQ(selection.size(), 1u);
  EXPECT_THAT(selection.words(), ElementsAre(uint64_t{1} << 63));
}

TEST(UnitSelectionTest, EveryUnitOfALargePlan) {
  constexpr uint32_t kUnits = 262'144 + 7;
  UnitSelection selection(kUnits);
  for (uint32_t i = 0; i < kUnits; ++i) ASSERT_TRUE(selection.Add(DeviceId(i)).ok());
  EXPECT_EQ(selection.size(), kUnits);
  std::vector<uint32_t> indices = selection.Indices();
  ASSERT_EQ(indices.size(), kUnits);
  EXPECT_EQ(indices.back(), kUnits - 1);
}

ResourcePlan HealthyPlan(uint32_t units) {
  ResourcePlan plan;
  plan.resource_name = "example.com/epc";
  plan.unit_count = units;
  plan.blocks = {{-1, 0, units}};
  plan.healthy = true;
  plan.container_edits.devices = {{"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  return plan;
}

TEST(AllocateContainerTest, ReturnsThePlansEdits) {
  ResourcePlan plan = HealthyPlan(10);
  UnitSelection units(10);
  ASSERT_TRUE(units.Add("3").ok());
  absl::StatusOr<ContainerEdits> edits = AllocateContainer(plan, units);
  ASSERT_TRUE(edits.ok()) << edits.status();
  EXPECT_EQ(*edits, plan.container_edits);
}

TEST(AllocateContainerTest, UnderCdiOnlyTheDeviceNameIsGiven) {
  ResourcePlan plan = HealthyPlan(10);
  plan.cdi_device = "tee.dev/resource=example.com_epc";
  UnitSelection units(10);
  units.AddIndex(3);
  absl::StatusOr<ContainerEdits> edits = AllocateContainer(plan, units);
  ASSERT_TRUE(edits.ok()) << edits.status();
  ContainerEdits by_name;
  by_name.cdi_devices = {"tee.dev/resource=example.com_epc"};
  EXPECT_EQ(*edits, by_name);
}

TEST(AllocateContainerTest, EmptySelectionIsInvalid) {
  EXPECT_EQ(AllocateContainer(HealthyPlan(10), UnitSelection(10)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AllocateContainerTest, SelectionForAnotherPlanIsInvalid) {
  UnitSelection units(20);
  units.AddIndex(15);
  EXPECT_EQ(AllocateContainer(HealthyPlan(10), units).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AllocateContainerTest, UnhealthyPlanFailsWithItsReason) {
  ResourcePlan plan = HealthyPlan(10);
  plan.healthy = false;
  plan.health_reason = "SGX is disabled in BIOS";
  UnitSelection units(10);
  units.AddIndex(0);
  absl::StatusOr<ContainerEdits> edits = AllocateContainer(plan, units);
  EXPECT_EQ(edits.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(edits.status()), ::testing::HasSubstr("SGX is disabled in BIOS"));
}

}  // namespace
}  // namespace teedp::resources
