// Certificate checks mbedTLS 2.28 does not make, and its verdicts in words.
#include "kubeapi/tls_verification.h"

#include <arpa/inet.h>
#include <mbedtls/asn1.h>

#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace teedp::kubeapi {

std::optional<std::string> IpAddressBytes(const std::string& host) {
  std::array<char, sizeof(in6_addr)> bytes{};
  if (::inet_pton(AF_INET, host.c_str(), bytes.data()) == 1) return std::string(bytes.data(), 4);
  if (::inet_pton(AF_INET6, host.c_str(), bytes.data()) == 1) {
    return std::string(bytes.data(), bytes.size());
  }
  return std::nullopt;
}

bool CertificateNamesAddress(const mbedtls_x509_crt& certificate, std::string_view address) {
  constexpr int kIpAddressTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS;
  // mbedTLS keeps every subjectAltName it parsed, with its tag, in this list.
  for (const mbedtls_x509_sequence* name = &certificate.subject_alt_names; name != nullptr;
       name = name->next) {
    if (name->buf.tag == kIpAddressTag && name->buf.p != nullptr &&
        std::string_view(reinterpret_cast<const char*>(name->buf.p), name->buf.len) == address) {
      return true;
    }
  }
  return false;
}

std::string VerifyFailureReason(uint32_t flags, const std::string& host) {
  std::vector<std::string> reasons;
  if ((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0) {
    reasons.emplace_back("the certificate is not signed by a certificate in the CA file");
  }
  if ((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0) {
    reasons.push_back(
        IpAddressBytes(host).has_value()
            ? absl::StrCat("IP address mismatch: no IP subjectAltName is ", host)
            : absl::StrCat("hostname mismatch: no DNS subjectAltName matches ", host));
  }
  if ((flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0) {
    reasons.emplace_back("the certificate has expired");
  }
  if ((flags & MBEDTLS_X509_BADCERT_FUTURE) != 0) {
    reasons.emplace_back("the certificate is not valid yet");
  }
  constexpr uint32_t kWorded = MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_CN_MISMATCH |
                               MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
  if (const uint32_t rest = flags & ~kWorded; rest != 0) {
    std::array<char, 512> text{};
    if (mbedtls_x509_crt_verify_info(text.data(), text.size(), "", rest) > 0) {
      std::string info = absl::StrReplaceAll(text.data(), {{"\n", "; "}});
      while (!info.empty() && (info.back() == ' ' || info.back() == ';')) info.pop_back();
      reasons.push_back(std::move(info));
    } else {
      reasons.push_back(absl::StrCat("rejected (mbedTLS flags 0x", absl::Hex(rest), ")"));
    }
  }
  if (reasons.empty()) reasons.emplace_back("certificate rejected");
  return absl::StrJoin(reasons, "; ");
}

}  // namespace teedp::kubeapi
