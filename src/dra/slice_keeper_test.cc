#include "dra/slice_keeper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>

#include "common/mutex.h"
#include "support/eventually.h"

namespace teedp::dra {
namespace {

using testing::Eventually;

resources::DraDriverDevices Enclave() {
  return {.driver = "sgx.tee.dev",
          .devices = {{.name = "enclave",
                       .attributes = {{"type", std::string("enclave")}},
                       .capacity = {},
                       .allow_multiple_allocations = true,
                       .edits = {}}}};
}

// The API server's slices as the sink leaves them: driver -> device names.
class Slices {
 public:
  SliceSink Sink() {
    return [this](const resources::DraDriverDevices& driver) {
      MutexLock lock(&mutex_);
      std::vector<std::string> names;
      for (const auto& device : driver.devices) names.push_back(device.name);
      if (names.empty()) {
        published_.erase(driver.driver);
      } else {
        published_[driver.driver] = names;
      }
      return absl::OkStatus();
    };
  }
  bool Has(const std::string& driver) {
    MutexLock lock(&mutex_);
    return published_.contains(driver);
  }
  // What the kubelet does at start: every slice of the node deleted, whoever wrote it.
  void Wipe() {
    MutexLock lock(&mutex_);
    published_.clear();
  }

 private:
  Mutex mutex_;
  std::map<std::string, std::vector<std::string>> published_ ABSL_GUARDED_BY(mutex_);
};

TEST(SliceKeeperTest, PublishesAgainSlicesDeletedBehindItsBackWithoutBeingAsked) {
  // A kubelet starting while the API server is away retries its deletion of the node's slices
  // and may land it after the keeper's publication that followed the registration; nothing asks
  // the keeper to publish after that.
  Slices slices;
  SliceKeeper keeper(
      slices.Sink(), {"sgx.tee.dev"}, [] { return std::vector{Enclave()}; },
      [](const std::string&) { return true; }, absl::Milliseconds(1));
  ASSERT_TRUE(Eventually([&] { return slices.Has("sgx.tee.dev"); }));
  slices.Wipe();
  EXPECT_TRUE(Eventually([&] { return slices.Has("sgx.tee.dev"); }));
  EXPECT_TRUE(keeper.Withdraw().ok());
  EXPECT_FALSE(slices.Has("sgx.tee.dev"));
}

TEST(SliceKeeperTest, PublishesADriverOnlyOnceTheKubeletRegisteredIt) {
  // Slices out before the registration draw pods whose first prepare the kubelet fails ("not
  // registered") and retries only after its backoff.
  Slices slices;
  std::atomic<int> attempts{0};
  std::atomic<bool> sgx_registered{false};
  const resources::DraDriverDevices tdx{.driver = "tdx.tee.dev",
                                        .devices = {{.name = "tdx-guest",
                                                     .attributes = {},
                                                     .capacity = {},
                                                     .allow_multiple_allocations = true,
                                                     .edits = {}}}};
  SliceKeeper keeper(
      slices.Sink(), {"sgx.tee.dev", "tdx.tee.dev"},
      [&] {
        ++attempts;
        return std::vector{Enclave(), tdx};
      },
      [&](const std::string& driver) { return driver == "tdx.tee.dev" || sgx_registered.load(); },
      absl::Milliseconds(1));
  // A waiting driver is no failure to back off from: attempts go on at the recheck's pace. The
  // second has begun, so the first, and its sink calls, are over.
  ASSERT_TRUE(Eventually([&] { return attempts.load() >= 2; }));
  EXPECT_TRUE(slices.Has("tdx.tee.dev"));
  EXPECT_FALSE(slices.Has("sgx.tee.dev"));
  EXPECT_EQ(keeper.published(), 0u);  // not every driver's slices are right yet

  sgx_registered = true;
  keeper.Request();
  EXPECT_TRUE(Eventually([&] { return slices.Has("sgx.tee.dev"); }));
  EXPECT_TRUE(Eventually([&] { return keeper.published() > 0; }));
}

TEST(SliceKeeperTest, WithdrawsEveryDriverRegisteredOrNot) {
  // Slices an earlier run left for a driver the kubelet no longer has registered are deleted on
  // shutdown all the same.
  Slices slices;
  std::atomic<int> attempts{0};
  SliceKeeper keeper(
      slices.Sink(), {"sgx.tee.dev"},
      [&] {
        ++attempts;
        return std::vector{Enclave()};
      },
      [](const std::string&) { return false; }, absl::Milliseconds(1));
  ASSERT_TRUE(Eventually([&] { return attempts.load() >= 2; }));
  ASSERT_TRUE(slices.Sink()(Enclave()).ok());  // the earlier run's
  EXPECT_TRUE(keeper.Withdraw().ok());
  EXPECT_FALSE(slices.Has("sgx.tee.dev"));
}

TEST(SliceKeeperTest, RechecksByDefault) {
  // An infinite default would leave a wiped node without devices until its next hardware change.
  EXPECT_LT(kSliceRecheck, absl::InfiniteDuration());
  EXPECT_GT(kSliceRecheck, absl::ZeroDuration());
}

}  // namespace
}  // namespace teedp::dra
