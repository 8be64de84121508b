#include "common/host_port.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teedp {
namespace {

using ::testing::HasSubstr;

constexpr HostPortRules kListener{.empty_host_means_any = true, .port_zero_means_any = true};
constexpr HostPortRules kServer{};

TEST(HostPortTest, ParsesNamesIpv4AndBracketedIpv6AndFormatsThemBack) {
  struct Case {
    const char* text;
    HostPort want;
  };
  for (const Case& c : {Case{"10.96.0.1:443", {"10.96.0.1", 443}},
                        Case{"kubernetes.default.svc:6443", {"kubernetes.default.svc", 6443}},
                        Case{"node-1:1", {"node-1", 1}}, Case{"[::1]:65535", {"::1", 65535}},
                        Case{"[fd00:10:96::1]:443", {"fd00:10:96::1", 443}},
                        Case{"[::ffff:10.0.0.1]:80", {"::ffff:10.0.0.1", 80}},
                        Case{"[fe80::1%eth0]:9464", {"fe80::1%eth0", 9464}}}) {
    absl::StatusOr<HostPort> parsed = ParseHostPort(c.text, kServer);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status();
    EXPECT_EQ(*parsed, c.want) << c.text;
    EXPECT_EQ(FormatHostPort(*parsed), c.text);
  }
}

TEST(HostPortTest, EmptyHostAndPortZeroOnlyWhereTheCallerAllowsThem) {
  EXPECT_EQ(*ParseHostPort(":9464", kListener), (HostPort{"", 9464}));
  EXPECT_EQ(*ParseHostPort("127.0.0.1:0", kListener), (HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(FormatHostPort({"", 9464}), ":9464");
  EXPECT_THAT(ParseHostPort(":9464", kServer).status().message(), HasSubstr("host is missing"));
  EXPECT_THAT(ParseHostPort("127.0.0.1:0", kServer).status().message(),
              HasSubstr("must be 1 to 65535"));
  EXPECT_THAT(ParseHostPort("a:65536", kListener).status().message(),
              HasSubstr("must be 0 to 65535"));
}

TEST(HostPortTest, RefusesWhatIsNoHostOrPortAndQuotesTheText) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"9464", "no \":port\""},
                        Case{"host:", "port is missing"},
                        Case{"h:99999999999999999999", "1 to 65535"},
                        Case{"h:+80", "decimal"},
                        Case{"h:-1", "decimal"},
                        Case{"h:8 0", "decimal"},
                        Case{"h:0x50", "decimal"},
                        Case{"::1:80", "needs brackets"},
                        Case{"[::1:80", "brackets"},
                        Case{"::1]:80", "brackets"},
                        Case{"[]:80", "brackets"},
                        Case{"[1.2.3.4]:80", "only for IPv6"},
                        Case{"[::g]:80", "not an IPv6"},
                        Case{"[fe80::1%]:80", "zone"},
                        Case{"[fe80::1%a/b]:80", "zone"},
                        Case{"a_b:80", "characters"},
                        Case{"a b:80", "characters"},
                        Case{"x@evil:80", "characters"},
                        Case{"-a.b:80", "starts or ends"},
                        Case{"a..b:80", "empty label"},
                        Case{"a.b.:80", "empty label"},
                        Case{"256.1.1.1:80", "IPv4"},
                        Case{"1.2.3:80", "IPv4"},
                        Case{"host.123:80", "IPv4"}}) {
    absl::StatusOr<HostPort> parsed = ParseHostPort(c.text, kServer);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.says)) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(std::string("\"") + c.text + "\""));
  }
}

TEST(HostPortTest, RefusesOverlongNamesAndLabels) {
  const std::string label(63, 'a');
  EXPECT_TRUE(ParseHost(label).ok());
  EXPECT_THAT(ParseHost(label + "a").status().message(), HasSubstr("longer than 63"));
  const std::string name = label + "." + label + "." + label + "." + std::string(61, 'a');
  EXPECT_TRUE(ParseHost(name).ok()) << name.size();
  EXPECT_THAT(ParseHost(name + "a").status().message(), HasSubstr("longer than 253"));
}

TEST(HostPortTest, AHostAloneMayBeBareOrBracketedIpv6) {
  EXPECT_EQ(*ParseHost("fd00:10:96::1"), "fd00:10:96::1");
  EXPECT_EQ(*ParseHost("[fd00:10:96::1]"), "fd00:10:96::1");
  EXPECT_EQ(*ParseHost("10.96.0.1"), "10.96.0.1");
  for (const char* bad : {"", "[]", "fd00::zz", "a/b", "evil.com@x", "[10.0.0.1]", "1.2.3.4.5"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseHost(bad).status())) << bad;
  }
}

TEST(HostPortTest, APortAloneIsDigitsOnlyInRange) {
  EXPECT_EQ(*ParsePort("443"), 443);
  EXPECT_EQ(*ParsePort("00080"), 80);
  EXPECT_EQ(*ParsePort("0", /*zero_means_any=*/true), 0);
  for (const char* bad : {"", "0", "65536", "https", "-1", "+443", " 443", "44 3", "4e2"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParsePort(bad).status())) << bad;
  }
}

}  // namespace
}  // namespace teedp
