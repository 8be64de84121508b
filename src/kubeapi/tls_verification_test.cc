#include "kubeapi/tls_verification.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kubeapi/testing_pki.h"

namespace teedp::kubeapi {
namespace {

using ::testing::HasSubstr;
using testing::TestPki;

// The server certificate of a TestPki with `alt_names`, parsed by mbedTLS.
class ParsedCertificate {
 public:
  explicit ParsedCertificate(const std::string& alt_names) {
    mbedtls_x509_crt_init(&certificate_);
    const TestPki pki(alt_names);
    const std::string pem = testing::ToPem(pki.server_cert.get());
    // PEM input is parsed with its terminating NUL.
    parsed_ = mbedtls_x509_crt_parse(
        &certificate_, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
  }
  ~ParsedCertificate() { mbedtls_x509_crt_free(&certificate_); }
  ParsedCertificate(const ParsedCertificate&) = delete;
  ParsedCertificate& operator=(const ParsedCertificate&) = delete;

  int parsed() const { return parsed_; }
  bool Names(const std::string& host) const {
    std::optional<std::string> address = IpAddressBytes(host);
    return address.has_value() && CertificateNamesAddress(certificate_, *address);
  }

 private:
  mbedtls_x509_crt certificate_;
  int parsed_ = -1;
};

TEST(IpAddressBytesTest, TellsAddressesFromNames) {
  EXPECT_EQ(IpAddressBytes("10.96.0.1"), std::string("\x0a\x60\x00\x01", 4));
  std::optional<std::string> v6 = IpAddressBytes("fd00::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->size(), 16u);
  EXPECT_EQ(v6->front(), '\xfd');
  EXPECT_EQ(v6->back(), '\x01');
  EXPECT_EQ(IpAddressBytes("kubernetes.default.svc"), std::nullopt);
  EXPECT_EQ(IpAddressBytes("10.96.0.1.example"), std::nullopt);
  EXPECT_EQ(IpAddressBytes("[::1]"), std::nullopt);  // bracketed is a URL's spelling, not a host
}

TEST(CertificateNamesAddressTest, MatchesOnlyTheIpSubjectAltNames) {
  const ParsedCertificate certificate("IP:10.96.0.1,IP:fd00::1,DNS:10.0.0.9,DNS:localhost");
  ASSERT_EQ(certificate.parsed(), 0);
  EXPECT_TRUE(certificate.Names("10.96.0.1"));
  EXPECT_TRUE(certificate.Names("fd00::1"));
  EXPECT_TRUE(certificate.Names("fd00:0:0::1"));  // another spelling of the same address
  EXPECT_FALSE(certificate.Names("10.96.0.2"));
  EXPECT_FALSE(certificate.Names("fd00::2"));
  EXPECT_FALSE(certificate.Names("10.0.0.9")) << "a DNS name spelled like an address is no IP SAN";
  // The IPv4 address's bytes are not a prefix match of an IPv6 one, nor the reverse.
  EXPECT_FALSE(certificate.Names("::a60:1"));
}

TEST(CertificateNamesAddressTest, ACertificateWithoutAltNamesNamesNoAddress) {
  const ParsedCertificate certificate("");
  ASSERT_EQ(certificate.parsed(), 0);
  EXPECT_FALSE(certificate.Names("127.0.0.1"));
}

TEST(VerifyFailureReasonTest, SaysWhatToFix) {
  EXPECT_THAT(VerifyFailureReason(MBEDTLS_X509_BADCERT_NOT_TRUSTED, "10.96.0.1"),
              HasSubstr("not signed by a certificate in the CA file"));
  EXPECT_THAT(VerifyFailureReason(MBEDTLS_X509_BADCERT_CN_MISMATCH, "10.96.0.1"),
              HasSubstr("IP address mismatch: no IP subjectAltName is 10.96.0.1"));
  EXPECT_THAT(VerifyFailureReason(MBEDTLS_X509_BADCERT_CN_MISMATCH, "api.example"),
              HasSubstr("hostname mismatch: no DNS subjectAltName matches api.example"));
  EXPECT_EQ(
      VerifyFailureReason(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_NOT_TRUSTED, "h"),
      "the certificate is not signed by a certificate in the CA file; the certificate has "
      "expired");
  EXPECT_THAT(VerifyFailureReason(MBEDTLS_X509_BADCERT_BAD_KEY, "h"),
              HasSubstr("unacceptable key"));
  EXPECT_EQ(VerifyFailureReason(0, "h"), "certificate rejected");
}

}  // namespace
}  // namespace teedp::kubeapi
