// ProbeGuestDevices on temp trees: each confidential-VM interface, both TDX spellings, and the
// file types that do not count.
#include "hw/guest_devices.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace teedp::hw {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TempDir;

TEST(ProbeGuestDevicesTest, NothingOnAPlainHost) {
  TempDir dir;
  dir.Write("dev/null");
  EXPECT_THAT(ProbeGuestDevices(HostRoot(dir.path())), IsEmpty());
}

TEST(ProbeGuestDevicesTest, FindsEveryInterfaceInAFixedOrder) {
  TempDir dir;
  dir.Mkdir("sys/kernel/config/tsm/report");
  dir.Write("dev/tpmrm0");
  dir.Write("dev/sev-guest");
  dir.Write("dev/tdx_guest");
  EXPECT_THAT(ProbeGuestDevices(HostRoot(dir.path())),
              ElementsAre(GuestDevice{GuestTee::kTdx, "/dev/tdx_guest"},
                          GuestDevice{GuestTee::kSevSnp, "/dev/sev-guest"},
                          GuestDevice{GuestTee::kTpm, "/dev/tpmrm0"},
                          GuestDevice{GuestTee::kTsmReport, "/sys/kernel/config/tsm/report"}));
}

TEST(ProbeGuestDevicesTest, TheOlderTdxSpellingCountsAndTheUpstreamOneWins) {
  TempDir dir;
  dir.Write("dev/tdx-guest");
  EXPECT_THAT(ProbeGuestDevices(HostRoot(dir.path())),
              ElementsAre(GuestDevice{GuestTee::kTdx, "/dev/tdx-guest"}));
  dir.Write("dev/tdx_guest");
  EXPECT_THAT(ProbeGuestDevices(HostRoot(dir.path())),
              ElementsAre(GuestDevice{GuestTee::kTdx, "/dev/tdx_guest"}));
}

TEST(ProbeGuestDevicesTest, WrongFileTypesAndDanglingLinksDoNotCount) {
  TempDir dir;
  dir.Mkdir("dev/sev-guest");                 // a directory is no device node
  dir.Write("sys/kernel/config/tsm/report");  // a file is no configfs directory
  dir.Symlink("/dev/missing", "dev/tpmrm0");
  EXPECT_THAT(ProbeGuestDevices(HostRoot(dir.path())), IsEmpty());
}

TEST(GuestTeeNameTest, NamesRoundTrip) {
  for (GuestTee tee : kGuestTees) EXPECT_EQ(GuestTeeFromName(GuestTeeName(tee)), tee);
  EXPECT_EQ(GuestTeeFromName("sev"), std::nullopt);
}

}  // namespace
}  // namespace teedp::hw
