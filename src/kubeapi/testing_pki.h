// Provides TestPki for kubeapi tests: a throwaway certificate authority and a server certificate
// it signed (EC P-256, valid from an hour ago for a day), made with OpenSSL at test time so the
// tests need no files or tools. Test-only; not part of tee_kubeapi.
// Thread safety: build on one thread; the objects are then only read.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace teedp::kubeapi::testing {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using CertPtr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

inline void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

inline void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  Check(extension != nullptr && X509_add_ext(cert, extension, -1) == 1, "extension");
  X509_EXTENSION_free(extension);
}

// A certificate for `key` named `common_name`, signed by `issuer`/`issuer_key` (itself when null).
// `alt_names` is an OpenSSL subjectAltName value ("IP:127.0.0.1,DNS:localhost"), empty for none.
inline CertPtr NewCertificate(const std::string& common_name, EVP_PKEY* key, X509* issuer,
                              EVP_PKEY* issuer_key, const std::string& alt_names) {
  static long serial = 1;  // NOLINT(google-runtime-int): OpenSSL's type
  CertPtr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  X509_set_pubkey(cert.get(), key);
  const bool is_ca = issuer == nullptr;
  AddExtension(cert.get(), signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (is_ca) AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!alt_names.empty()) AddExtension(cert.get(), signer, NID_subject_alt_name, alt_names);
  Check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return cert;
}

inline KeyPtr NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

inline std::string ToPem(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  Check(bio != nullptr && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(size));
}

// A CA and a server certificate for `server_alt_names` signed by it.
struct TestPki {
  static inline int count = 0;  // distinct CA names, so a wrong CA is not found by name
  KeyPtr ca_key = NewKey();
  CertPtr ca_cert =
      NewCertificate("test-ca-" + std::to_string(++count), ca_key.get(), nullptr, nullptr, "");
  KeyPtr server_key = NewKey();
  CertPtr server_cert;

  explicit TestPki(const std::string& server_alt_names = "IP:127.0.0.1,IP:::1,DNS:localhost")
      : server_cert(NewCertificate("kube-apiserver", server_key.get(), ca_cert.get(), ca_key.get(),
                                   server_alt_names)) {}

  // Writes the CA certificate as PEM, as the service account's ca.crt holds it.
  void WriteCaFile(const std::string& path) const {
    std::ofstream(path, std::ios::binary) << ToPem(ca_cert.get());
  }
};

}  // namespace teedp::kubeapi::testing
