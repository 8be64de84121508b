#include "observe/listen_address.h"

#include <gtest/gtest.h>

namespace teedp::observe {
namespace {

TEST(ListenAddressTest, AcceptsTheUsualForms) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{":9464", "", 9464}, Case{"127.0.0.1:0", "127.0.0.1", 0},
                        Case{"localhost:65535", "localhost", 65535}, Case{"[::1]:80", "::1", 80},
                        Case{"[fe80::1%eth0]:9464", "fe80::1%eth0", 9464},
                        Case{"node-1.example.com:9464", "node-1.example.com", 9464}}) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(c.text);
    ASSERT_TRUE(address.ok()) << c.text << ": " << address.status();
    EXPECT_EQ(address->host, c.host) << c.text;
    EXPECT_EQ(address->port, c.port) << c.text;
    EXPECT_EQ(FormatListenAddress(*address), c.text);
  }
}

TEST(ListenAddressTest, RefusesWhatIsNotHostPort) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c :
       {Case{"9464", "no \":port\""}, Case{"host:", "port is missing"},
        Case{":65536", "0 to 65535"}, Case{":123456", "0 to 65535"}, Case{":-1", "decimal"},
        Case{":94x4", "decimal"}, Case{": 9464", "decimal"}, Case{"::1:9464", "needs brackets"},
        Case{"[::1:9464", "brackets"}, Case{"[]:9464", "brackets"},
        Case{"[1.2.3.4]:80", "only for IPv6"}, Case{"a b:80", "characters"},
        Case{"a/b:80", "characters"}, Case{"[::1]]:80", "not an IPv6"}}) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(c.text);
    ASSERT_FALSE(address.ok()) << c.text;
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(address.status().message().find(c.says), std::string::npos)
        << c.text << ": " << address.status();
    EXPECT_NE(address.status().message().find(c.text), std::string::npos) << "names the value";
  }
}

TEST(ListenAddressTest, RefusesOverlongHosts) {
  EXPECT_FALSE(ParseListenAddress(std::string(300, 'a') + ":80").ok());
}

}  // namespace
}  // namespace teedp::observe
