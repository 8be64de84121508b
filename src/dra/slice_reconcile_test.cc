#include "dra/slice_reconcile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp::dra {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const NodeIdentity kNode{"node-a", "6f1c2d3e-0000-4000-8000-000000000001"};

resources::DraDriverDevices Devices(int count) {
  resources::DraDriverDevices driver{.driver = "sgx.tee.dev", .devices = {}};
  for (int i = 0; i < count; ++i) {
    driver.devices.push_back({.name = "d" + std::to_string(i),
                              .attributes = {},
                              .capacity = {},
                              .allow_multiple_allocations = true,
                              .edits = {}});
  }
  return driver;
}

// What the API server lists after the given slices were written.
std::vector<ExistingSlice> Listed(const std::vector<nlohmann::json>& slices) {
  std::vector<ExistingSlice> listed;
  int version = 100;
  for (const nlohmann::json& slice : slices) {
    listed.push_back({.name = slice["metadata"]["name"],
                      .resource_version = std::to_string(version++),
                      .generation = slice["spec"]["pool"]["generation"],
                      .devices = slice["spec"]["devices"].dump(),
                      .slice_count = slice["spec"]["pool"]["resourceSliceCount"]});
  }
  return listed;
}

TEST(ReconcileSlicesTest, NothingPublishedYetCreatesGenerationOne) {
  absl::StatusOr<SliceChanges> changes = ReconcileSlices(Devices(2), kNode, {});
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->create.size(), 1u);
  EXPECT_EQ(changes->create[0]["spec"]["pool"]["generation"], 1);
  EXPECT_THAT(changes->update, IsEmpty());
  EXPECT_THAT(changes->remove, IsEmpty());
}

TEST(ReconcileSlicesTest, UnchangedDevicesChangeNothing) {
  std::vector<ExistingSlice> listed = Listed(ReconcileSlices(Devices(200), kNode, {})->create);
  absl::StatusOr<SliceChanges> again = ReconcileSlices(Devices(200), kNode, listed);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST(ReconcileSlicesTest, AChangeRewritesThePoolAboveTheHighestGenerationAndDropsSurplusSlices) {
  std::vector<ExistingSlice> listed = Listed(ReconcileSlices(Devices(200), kNode, {})->create);
  listed[1].generation = 7;  // a slice a previous run left at a higher generation
  absl::StatusOr<SliceChanges> changes = ReconcileSlices(Devices(3), kNode, listed);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_THAT(changes->create, IsEmpty());
  ASSERT_EQ(changes->update.size(), 1u);
  EXPECT_EQ(changes->update[0]["metadata"]["name"], "node-a-sgx.tee.dev-0");
  EXPECT_EQ(changes->update[0]["metadata"]["resourceVersion"], "100");
  EXPECT_EQ(changes->update[0]["spec"]["pool"]["generation"], 8);
  EXPECT_EQ(changes->update[0]["spec"]["devices"].size(), 3u);
  EXPECT_THAT(changes->remove, ElementsAre("node-a-sgx.tee.dev-1"));
}

TEST(ReconcileSlicesTest, NoDevicesLeftRemovesEverySlice) {
  std::vector<ExistingSlice> listed = Listed(ReconcileSlices(Devices(1), kNode, {})->create);
  absl::StatusOr<SliceChanges> changes = ReconcileSlices(Devices(0), kNode, listed);
  ASSERT_TRUE(changes.ok());
  EXPECT_THAT(changes->remove, ElementsAre("node-a-sgx.tee.dev-0"));
  EXPECT_THAT(changes->create, IsEmpty());
}

TEST(ParseSliceListTest, ReadsNamesVersionsGenerationsAndDevices) {
  absl::StatusOr<std::vector<ExistingSlice>> listed = ParseSliceList(R"({
    "kind": "ResourceSliceList", "metadata": {"resourceVersion": "900"},
    "items": [{"metadata": {"name": "node-a-sgx.tee.dev-0", "resourceVersion": "812"},
               "spec": {"driver": "sgx.tee.dev", "nodeName": "node-a",
                        "pool": {"name": "node-a", "generation": 3, "resourceSliceCount": 1},
                        "devices": [{"name": "epc"}]}}]})");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "node-a-sgx.tee.dev-0");
  EXPECT_EQ((*listed)[0].resource_version, "812");
  EXPECT_EQ((*listed)[0].generation, 3);
  EXPECT_EQ((*listed)[0].slice_count, 1);
  EXPECT_EQ((*listed)[0].devices, R"([{"name":"epc"}])");
  absl::StatusOr<std::vector<ExistingSlice>> none = ParseSliceList(R"({"items": null})");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST(ParseSliceListTest, RefusesWhatIsNotASliceListNamingTheField) {
  for (auto [json, says] : std::vector<std::pair<const char*, const char*>>{
           {"nope", "not a JSON object"},
           {R"({"items": {}})", "items is not a list"},
           {R"({"items": [{}]})", "items[0].metadata.name is missing"},
           {R"({"items": [{"metadata": {"name": "s"}}]})", "items[0].spec.pool is missing"},
           {R"({"items": [{"metadata": {"name": "s"}, "spec": {"pool": {"generation": "1"}}}]})",
            "items[0].spec.pool.generation is not a whole number"},
           {R"({"items": [{"metadata": {"name": "s"},
                           "spec": {"pool": {"generation": 9223372036854775807}}}]})",
            "items[0].spec.pool.generation is out of range"},
           {R"({"items": [{"metadata": {"name": "s"}, "spec": {"pool": {"generation": -1}}}]})",
            "out of range"},
       }) {
    absl::StatusOr<std::vector<ExistingSlice>> listed = ParseSliceList(json);
    EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(listed.status().message(), HasSubstr(says)) << json;
  }
}

}  // namespace
}  // namespace teedp::dra
