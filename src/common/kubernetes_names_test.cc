#include "common/kubernetes_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace teedp {
namespace {

TEST(KubernetesNamesTest, DnsLabels) {
  for (const std::string& good : std::vector<std::string>{"a", "0", "a-b", std::string(63, 'x')}) {
    EXPECT_EQ(DnsLabelFault(good), NameFault::kNone) << good;
  }
  EXPECT_EQ(DnsLabelFault(""), NameFault::kEmpty);
  EXPECT_EQ(DnsLabelFault(std::string(64, 'x')), NameFault::kTooLong);
  EXPECT_EQ(DnsLabelFault("-a"), NameFault::kBadEnds);
  EXPECT_EQ(DnsLabelFault("A"), NameFault::kBadEnds);
  EXPECT_EQ(DnsLabelFault("a.b"), NameFault::kBadCharacter);
  EXPECT_EQ(DnsLabelFault("a_b"), NameFault::kBadCharacter);
}

TEST(KubernetesNamesTest, DnsSubdomains) {
  const std::string label63(63, 'a');
  const std::string longest = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  for (const std::string& good : {std::string("node-1"), std::string("a.b.c"), longest}) {
    EXPECT_EQ(DnsSubdomainFault(good), NameFault::kNone) << good;
  }
  EXPECT_EQ(DnsSubdomainFault(""), NameFault::kEmpty);
  EXPECT_EQ(DnsSubdomainFault(longest + "b"), NameFault::kTooLong);
  EXPECT_EQ(DnsSubdomainFault("a..b"), NameFault::kEmptyLabel);
  EXPECT_EQ(DnsSubdomainFault(".a"), NameFault::kEmptyLabel);
  EXPECT_EQ(DnsSubdomainFault("a."), NameFault::kEmptyLabel);
  EXPECT_EQ(DnsSubdomainFault(std::string(64, 'a') + ".b"), NameFault::kLabelTooLong);
  EXPECT_EQ(DnsSubdomainFault("a.-b"), NameFault::kBadEnds);
  EXPECT_EQ(DnsSubdomainFault("Node"), NameFault::kBadEnds);
  EXPECT_EQ(DnsSubdomainFault("a.b_c"), NameFault::kBadCharacter);
}

TEST(KubernetesNamesTest, QualifiedNamePartsAndLabelValues) {
  for (const std::string& good :
       std::vector<std::string>{"a", "sgx_epc_mem_in_MiB", "x.y-z_9", std::string(63, 'n')}) {
    EXPECT_EQ(QualifiedNamePartFault(good), NameFault::kNone) << good;
    EXPECT_EQ(LabelValueFault(good), NameFault::kNone) << good;
  }
  EXPECT_EQ(QualifiedNamePartFault(""), NameFault::kEmpty);
  EXPECT_EQ(LabelValueFault(""), NameFault::kNone) << "an empty label value is allowed";
  EXPECT_EQ(QualifiedNamePartFault(std::string(64, 'n')), NameFault::kTooLong);
  EXPECT_EQ(LabelValueFault(std::string(64, 'n')), NameFault::kTooLong);
  EXPECT_EQ(QualifiedNamePartFault("_a"), NameFault::kBadEnds);
  EXPECT_EQ(LabelValueFault("a-"), NameFault::kBadEnds);
  EXPECT_EQ(QualifiedNamePartFault("a b"), NameFault::kBadCharacter);
  EXPECT_EQ(LabelValueFault("a/b"), NameFault::kBadCharacter);
}

}  // namespace
}  // namespace teedp
