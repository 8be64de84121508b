// Provides IpAddressBytes, CertificateNamesAddress and VerifyFailureReason: the parts of checking
// the API server's certificate that mbedTLS 2.28 leaves to its caller. mbedTLS verifies the chain
// to the CA file and a DNS name against dNSName subjectAltNames; an API server reached by IP
// address (KUBERNETES_SERVICE_HOST is one) is matched here against iPAddress subjectAltNames, and
// the verdict flags become words that point at the fix.
// Thread safety: pure functions over their arguments.
#pragma once

#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace teedp::kubeapi {

// The 4 or 16 network-order bytes of an IPv4 or bare IPv6 address, nullopt for a host name.
std::optional<std::string> IpAddressBytes(const std::string& host);

// Whether one of `certificate`'s iPAddress subjectAltNames is `address` (IpAddressBytes form).
bool CertificateNamesAddress(const mbedtls_x509_crt& certificate, std::string_view address);

// Why verification failed, from mbedTLS's MBEDTLS_X509_BADCERT_* `flags` (several reasons are
// joined with "; "). `host` is what the certificate had to name.
std::string VerifyFailureReason(uint32_t flags, const std::string& host);

}  // namespace teedp::kubeapi
