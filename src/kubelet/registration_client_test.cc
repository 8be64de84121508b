#include "kubelet/registration_client.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>
#include <string>

#include "kubelet_emulator.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace teedp::kubelet {
namespace {

using ::teedp::testing::Eventually;

// Connections a server accepted on the unix socket at `path` and still holds, by the kernel's
// table (/proc/net/unix: an accepted socket carries its listener's path, state 03 = connected).
int ConnectionsTo(const std::string& path) {
  std::ifstream table("/proc/net/unix");
  std::string line;
  std::getline(table, line);  // the header
  int connections = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string num, refs, protocol, flags, type, state, inode, socket_path;
    fields >> num >> refs >> protocol >> flags >> type >> state >> inode >> socket_path;
    if (state == "03" && socket_path == path) ++connections;
  }
  return connections;
}

std::unique_ptr<emulator::KubeletEmulator> StartKubelet(const std::string& dir) {
  auto kubelet = emulator::KubeletEmulator::Start({.plugin_dir = dir});
  EXPECT_TRUE(kubelet.ok()) << kubelet.status();
  return kubelet.ok() ? std::move(kubelet).value() : nullptr;
}

TEST(RegistrationClientTest, ConnectDialsTheKubeletBeforeAnyRegister) {
  const teedp::testing::TempDir dir;
  const auto kubelet = StartKubelet(dir.path());
  ASSERT_NE(kubelet, nullptr);
  RegistrationClient client;
  ASSERT_EQ(ConnectionsTo(kubelet->socket_path()), 0);
  client.Connect(kubelet->socket_path());
  EXPECT_TRUE(Eventually([&] { return ConnectionsTo(kubelet->socket_path()) == 1; }));
}

TEST(RegistrationClientTest, ARegisterToAnotherSocketDialsThatOne) {
  const teedp::testing::TempDir first_dir;
  const teedp::testing::TempDir second_dir;
  const auto first = StartKubelet(first_dir.path());
  const auto second = StartKubelet(second_dir.path());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  RegistrationClient client;
  client.Connect(first->socket_path());
  ASSERT_TRUE(Eventually([&] { return ConnectionsTo(first->socket_path()) == 1; }));

  std::promise<absl::Status> done;
  client.Register(second->socket_path(), MakeRegisterRequest("example.com/epc", "epc.sock"),
                  std::chrono::seconds(5),
                  [&done](absl::Status status) { done.set_value(status); });
  done.get_future().wait();
  // The call's channel is kept until ReleaseFinished, so its connection is still open. (Whether
  // gRPC closes the dropped channel's connection at once is its business: often it does not.)
  EXPECT_EQ(ConnectionsTo(second->socket_path()), 1);
}

}  // namespace
}  // namespace teedp::kubelet
