#include "dra/claim_preparer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "support/temp_dir.h"

namespace teedp::dra {
namespace {

using teedp::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kUid[] = "0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5b";
constexpr char kShare[] = "5d1c1f4e-8b0a-4c4e-9a51-6b2a0e7c9d13";

resources::DraDriverDevices SgxDevices() {
  hw::Inventory inventory;
  inventory.driver = hw::SgxDriver::kInKernel;
  inventory.device_nodes = {"/dev/sgx_enclave", "/dev/sgx_provision"};
  inventory.numa_epc = {{0, uint64_t{4} << 30}, {1, uint64_t{4} << 30}};
  inventory.epc_bytes = uint64_t{8} << 30;
  return resources::PlanDraDevices(inventory)[0];
}

ResourceClaim AllocatedClaim(const std::string& uid) {
  return {.namespace_name = "team-a",
          .name = "enclave-memory",
          .uid = uid,
          .allocated = true,
          .results = {{.request = "epc",
                       .driver = "sgx.tee.dev",
                       .pool = "node-a",
                       .device = "epc-numa-1",
                       .share_id = kShare,
                       .consumed_capacity = {{"epc", "64Mi"}}}}};
}

// The API server as the preparer sees it: claims by namespace/name, reads counted, and a switch
// that makes every read fail as an unreachable server does.
struct FakeApi {
  std::map<std::string, ResourceClaim> claims;
  std::atomic<int> reads{0};  // a request's claims are read on several threads
  std::atomic<bool> down{false};
  ClaimReader Reader() {
    return [this](const resources::ClaimRef& ref) -> absl::StatusOr<ResourceClaim> {
      ++reads;
      if (down) return absl::UnavailableError("https://10.0.0.1:6443: connection refused");
      auto found = claims.find(ref.namespace_name + "/" + ref.name);
      if (found == claims.end()) return absl::NotFoundError("resourceclaims not found");
      return found->second;
    };
  }
};

class ClaimPreparerTest : public ::testing::Test {
 protected:
  ClaimPreparerTest() {
    api_.claims["team-a/enclave-memory"] = AllocatedClaim(kUid);
    dir_.Mkdir("cdi");
  }
  std::unique_ptr<ClaimPreparer> Start() {
    absl::StatusOr<std::unique_ptr<ClaimPreparer>> preparer =
        ClaimPreparer::Create({.driver = "sgx.tee.dev",
                               .node_name = "node-a",
                               .cdi_dir = dir_.path() + "/cdi",
                               .checkpoint_path = checkpoint_path()},
                              api_.Reader(), SgxDevices);
    EXPECT_TRUE(preparer.ok()) << preparer.status();
    return preparer.ok() ? *std::move(preparer) : nullptr;
  }
  std::string checkpoint_path() const { return dir_.path() + "/checkpoint.json"; }
  std::string spec_path() const { return dir_.path() + "/cdi/sgx.tee.dev-claim-" + kUid + ".json"; }
  std::vector<std::string> CdiFiles() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path() + "/cdi")) {
      names.push_back(entry.path().filename());
    }
    return names;
  }

  TempDir dir_;
  FakeApi api_;
  const resources::ClaimRef claim_{"team-a", "enclave-memory", kUid};
};

TEST_F(ClaimPreparerTest, PrepareWritesOneCdiSpecAndAnswersItsDevices) {
  std::unique_ptr<ClaimPreparer> preparer = Start();
  absl::StatusOr<std::vector<resources::PreparedDevice>> devices = preparer->Prepare(claim_);
  ASSERT_TRUE(devices.ok()) << devices.status();
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ((*devices)[0].cdi_device_id,
            std::string("sgx.tee.dev/claim=") + kUid + "-epc-numa-1-" + kShare);
  EXPECT_THAT(CdiFiles(), ElementsAre(std::string("sgx.tee.dev-claim-") + kUid + ".json"));
  std::ifstream spec(spec_path());
  EXPECT_EQ(nlohmann::json::parse(spec)["kind"], "sgx.tee.dev/claim");
  EXPECT_EQ(preparer->PreparedCount(), 1u);
}

TEST_F(ClaimPreparerTest, RepeatedPrepareIsAnsweredFromTheCheckpointAlsoAfterARestart) {
  std::vector<resources::PreparedDevice> first = *Start()->Prepare(claim_);
  EXPECT_EQ(api_.reads, 1);
  std::unique_ptr<ClaimPreparer> restarted = Start();
  EXPECT_EQ(restarted->PreparedCount(), 1u);
  api_.down = true;  // answered without the API server
  absl::StatusOr<std::vector<resources::PreparedDevice>> again = restarted->Prepare(claim_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, first);
  EXPECT_EQ(api_.reads, 1);
  EXPECT_EQ(CdiFiles().size(), 1u);  // no duplicate
}

// /metrics reads this for EPC bytes held per device; a restart must not lose it.
TEST_F(ClaimPreparerTest, ConsumedCapacityAddsUpThePreparedClaimsPerDeviceAcrossRestarts) {
  const std::string other_uid = "7a1f3c2e-0d4b-4e6a-9c8b-2f1e0d3c4b5a";
  ResourceClaim other = AllocatedClaim(other_uid);
  other.name = "more-memory";
  other.results[0].share_id = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
  other.results[0].consumed_capacity = {{"epc", "1Gi"}};
  api_.claims["team-a/more-memory"] = other;
  std::unique_ptr<ClaimPreparer> preparer = Start();
  ASSERT_TRUE(preparer->Prepare(claim_).ok());
  ASSERT_TRUE(preparer->Prepare({"team-a", "more-memory", other_uid}).ok());
  const std::map<std::string, uint64_t> both = {
      {"epc-numa-1", (uint64_t{64} << 20) + (uint64_t{1} << 30)}};
  EXPECT_EQ(preparer->ConsumedCapacity("epc"), both);
  EXPECT_EQ(Start()->ConsumedCapacity("epc"), both);  // from the checkpoint
  ASSERT_TRUE(preparer->Unprepare(claim_).ok());
  EXPECT_EQ(preparer->ConsumedCapacity("epc"),
            (std::map<std::string, uint64_t>{{"epc-numa-1", uint64_t{1} << 30}}));
  EXPECT_THAT(preparer->ConsumedCapacity("memory"), IsEmpty());
}

TEST_F(ClaimPreparerTest, UnprepareRemovesTheSpecAndIsIdempotentAcrossRestarts) {
  ASSERT_TRUE(Start()->Prepare(claim_).ok());
  std::unique_ptr<ClaimPreparer> restarted = Start();
  ASSERT_TRUE(restarted->Unprepare(claim_).ok());
  EXPECT_THAT(CdiFiles(), IsEmpty());
  EXPECT_EQ(restarted->PreparedCount(), 0u);
  EXPECT_TRUE(restarted->Unprepare(claim_).ok());
  EXPECT_EQ(Start()->PreparedCount(), 0u);  // the checkpoint on disk says so too
}

TEST_F(ClaimPreparerTest, PerClaimErrorsNameTheReasonAndWriteNothing) {
  std::unique_ptr<ClaimPreparer> preparer = Start();
  const resources::ClaimRef other_uid{"team-a", "enclave-memory",
                                      "11111111-2222-3333-4444-555555555555"};
  EXPECT_EQ(preparer->Prepare(other_uid).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(preparer->Prepare(other_uid).status().message(),
              HasSubstr("deleted and created again"));

  const resources::ClaimRef missing{"team-a", "gone", kUid};
  EXPECT_EQ(preparer->Prepare(missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(preparer->Prepare(missing).status().message(), HasSubstr("team-a/gone"));

  ResourceClaim pending = AllocatedClaim(kUid);
  pending.allocated = false;
  pending.results.clear();
  api_.claims["team-a/enclave-memory"] = pending;
  EXPECT_THAT(preparer->Prepare(claim_).status().message(), HasSubstr("is not allocated"));

  ResourceClaim foreign = AllocatedClaim(kUid);
  foreign.results[0].driver = "gpu.example.com";
  api_.claims["team-a/enclave-memory"] = foreign;
  EXPECT_THAT(preparer->Prepare(claim_).status().message(),
              HasSubstr("no device of driver sgx.tee.dev"));

  EXPECT_THAT(CdiFiles(), IsEmpty());
  EXPECT_EQ(preparer->PreparedCount(), 0u);
}

TEST_F(ClaimPreparerTest, AnUnreachableApiServerFailsTheClaimUntilItIsBack) {
  std::unique_ptr<ClaimPreparer> preparer = Start();
  api_.down = true;
  absl::StatusOr<std::vector<resources::PreparedDevice>> failed = preparer->Prepare(claim_);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("connection refused"));
  api_.down = false;  // the kubelet's retry
  EXPECT_TRUE(preparer->Prepare(claim_).ok());
}

TEST_F(ClaimPreparerTest, ConcurrentPreparesOfOneClaimAgreeAndWriteOneSpec) {
  const resources::ClaimRef second{"team-a", "second", "9e0f2a11-7c3d-4b5e-8f60-1a2b3c4d5e6f"};
  api_.claims["team-a/second"] = AllocatedClaim(second.uid);
  api_.claims["team-a/second"].name = "second";
  // The fake's read counter is not what this test is about; reads happen on every thread.
  std::mutex reads;
  ClaimReader reader = api_.Reader();
  absl::StatusOr<std::unique_ptr<ClaimPreparer>> shared = ClaimPreparer::Create(
      {.driver = "sgx.tee.dev",
       .node_name = "node-a",
       .cdi_dir = dir_.path() + "/cdi",
       .checkpoint_path = checkpoint_path()},
      [&](const resources::ClaimRef& ref) {
        std::lock_guard<std::mutex> lock(reads);
        return reader(ref);
      },
      SgxDevices);
  ASSERT_TRUE(shared.ok());
  std::vector<std::vector<resources::PreparedDevice>> answers(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] {
      const resources::ClaimRef& claim = i % 2 == 0 ? claim_ : second;
      answers[i] = (*shared)->Prepare(claim).value();
      if (i % 4 == 3) {
        EXPECT_TRUE((*shared)->Unprepare(second).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t i = 2; i < answers.size(); ++i) EXPECT_EQ(answers[i], answers[i % 2]) << i;
  EXPECT_NE(answers[0], answers[1]);
  // The first claim stays prepared once; the second was unprepared by the last thread that did.
  EXPECT_TRUE(std::filesystem::exists(spec_path()));
  absl::StatusOr<std::unique_ptr<ClaimPreparer>> reread =
      ClaimPreparer::Create({.driver = "sgx.tee.dev",
                             .node_name = "node-a",
                             .cdi_dir = dir_.path() + "/cdi",
                             .checkpoint_path = checkpoint_path()},
                            api_.Reader(), SgxDevices);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ((*reread)->PreparedCount(), (*shared)->PreparedCount());
}

TEST_F(ClaimPreparerTest, AnUnreadableCheckpointIsMovedAsideAndStartsEmpty) {
  dir_.Write("checkpoint.json", "{not json");
  std::unique_ptr<ClaimPreparer> preparer = Start();
  ASSERT_NE(preparer, nullptr);
  EXPECT_EQ(preparer->PreparedCount(), 0u);
  EXPECT_TRUE(std::filesystem::exists(checkpoint_path() + ".corrupt"));
  EXPECT_TRUE(preparer->Prepare(claim_).ok());
}

TEST_F(ClaimPreparerTest, ACdiDirectoryThatIsMissingFailsTheClaimAndRecordsNothing) {
  std::filesystem::remove(dir_.path() + "/cdi");
  std::unique_ptr<ClaimPreparer> preparer = Start();
  absl::StatusOr<std::vector<resources::PreparedDevice>> failed = preparer->Prepare(claim_);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("/cdi/"));
  EXPECT_EQ(preparer->PreparedCount(), 0u);
}

// One kubelet request: answers in its order, each claim on its own merits, a claim named twice
// prepared once.
TEST_F(ClaimPreparerTest, PrepareAllAnswersEachClaimOfARequestInItsOrder) {
  std::unique_ptr<ClaimPreparer> preparer = Start();
  const resources::ClaimRef gone{"team-a", "gone", "6e5d4c3b-2a19-4807-b6a5-948372615a0b"};
  auto answers = preparer->PrepareAll({claim_, gone, claim_});
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status();
  EXPECT_EQ(answers[1].status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(answers[2].ok()) << answers[2].status();
  EXPECT_EQ(*answers[2], *answers[0]);
  EXPECT_EQ(preparer->PreparedCount(), 1u);
  EXPECT_EQ(CdiFiles().size(), 1u);
}

TEST_F(ClaimPreparerTest, PrepareAllReadsTheClaimsOfARequestSideBySide) {
  // Each read waits until four are in flight, as four slow GETs to the API server would overlap.
  // Read one after the other, each gives up after the timeout and fails its claim instead.
  Mutex mutex;
  int in_flight = 0;
  ClaimReader reader = [&](const resources::ClaimRef& ref) -> absl::StatusOr<ResourceClaim> {
    MutexLock lock(&mutex);
    ++in_flight;
    if (!mutex.AwaitWithTimeout([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return in_flight >= 4; },
                                absl::Seconds(30))) {
      return absl::DeadlineExceededError("the reads of the request did not overlap");
    }
    ResourceClaim claim = AllocatedClaim(ref.uid);
    claim.name = ref.name;
    return claim;
  };
  absl::StatusOr<std::unique_ptr<ClaimPreparer>> preparer =
      ClaimPreparer::Create({.driver = "sgx.tee.dev",
                             .node_name = "node-a",
                             .cdi_dir = dir_.path() + "/cdi",
                             .checkpoint_path = checkpoint_path()},
                            reader, SgxDevices);
  ASSERT_TRUE(preparer.ok()) << preparer.status();
  std::vector<resources::ClaimRef> claims;
  for (int i = 0; i < 4; ++i) {
    claims.push_back({"team-a", absl::StrCat("enclave-", i),
                      absl::StrCat("0b7e6a52-3b86-4a35-9b3e-0c1f2e3d4c5", i)});
  }
  auto answers = (*preparer)->PrepareAll(claims);
  ASSERT_EQ(answers.size(), 4u);
  for (const auto& answer : answers) EXPECT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ((*preparer)->PreparedCount(), 4u);
  EXPECT_EQ(CdiFiles().size(), 4u);
}

// The checkpoint is written once for the request; when that fails, no new claim of it is left
// half-prepared (a spec without a record would never be unprepared).
TEST_F(ClaimPreparerTest, ACheckpointThatCannotBeSavedFailsEveryNewClaimAndLeavesNoSpec) {
  ClaimPreparer::Options options{.driver = "sgx.tee.dev",
                                 .node_name = "node-a",
                                 .cdi_dir = dir_.path() + "/cdi",
                                 .checkpoint_path = dir_.path() + "/missing-dir/checkpoint.json"};
  auto preparer = ClaimPreparer::Create(options, api_.Reader(), SgxDevices);
  ASSERT_TRUE(preparer.ok()) << preparer.status();
  auto answers = (*preparer)->PrepareAll({claim_, claim_});
  ASSERT_EQ(answers.size(), 2u);
  for (const auto& answer : answers) {
    EXPECT_FALSE(answer.ok());
    EXPECT_THAT(answer.status().message(), HasSubstr("missing-dir"));
  }
  EXPECT_EQ((*preparer)->PreparedCount(), 0u);
  EXPECT_THAT(CdiFiles(), IsEmpty());
}

// One kubelet request unprepares each claim with one checkpoint write; when that write fails,
// every claim it removed is still recorded (and answered with the error), so the kubelet's retry
// finds them and finishes the job.
TEST_F(ClaimPreparerTest, UnprepareAllKeepsEveryClaimOfARequestWhoseRecordCannotBeSaved) {
  constexpr char kOtherUid[] = "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910";
  api_.claims["team-a/second"] = AllocatedClaim(kOtherUid);
  api_.claims["team-a/second"].name = "second";
  const resources::ClaimRef second{"team-a", "second", kOtherUid};
  dir_.Mkdir("state");
  const std::string state = dir_.path() + "/state";
  auto preparer = ClaimPreparer::Create({.driver = "sgx.tee.dev",
                                         .node_name = "node-a",
                                         .cdi_dir = dir_.path() + "/cdi",
                                         .checkpoint_path = state + "/checkpoint.json"},
                                        api_.Reader(), SgxDevices);
  ASSERT_TRUE(preparer.ok()) << preparer.status();
  for (const auto& answer : (*preparer)->PrepareAll({claim_, second})) {
    ASSERT_TRUE(answer.ok()) << answer.status();
  }

  std::filesystem::rename(state, state + "-away");
  std::vector<absl::Status> failed = (*preparer)->UnprepareAll({claim_, second, claim_});
  ASSERT_EQ(failed.size(), 3u);
  for (const absl::Status& answer : failed) {
    EXPECT_EQ(answer.code(), absl::StatusCode::kUnavailable) << answer;
    EXPECT_THAT(answer.message(), HasSubstr(state));
  }
  EXPECT_EQ((*preparer)->PreparedCount(), 2u);

  std::filesystem::rename(state + "-away", state);
  for (const absl::Status& answer : (*preparer)->UnprepareAll({claim_, second})) {
    EXPECT_TRUE(answer.ok()) << answer;
  }
  EXPECT_EQ((*preparer)->PreparedCount(), 0u);
  EXPECT_THAT(CdiFiles(), IsEmpty());
}

}  // namespace
}  // namespace teedp::dra
