// The network's public-key infrastructure: a CA, and for every party (hub, site, researcher)
// one Ed25519 key with an X.509 certificate naming the party (subject CN) and its role
// (subject OU), signed by the CA. The same key authenticates TLS connections (mutual TLS), signs
// ledger tree heads and countersignatures, and binds a site's per-session X25519 key to its
// name, so a party's name and role always come from a certificate, never from a message field.
// OpenSSL 3; no I/O here (the CLI reads and writes the PEM files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "medfed/core/status.h"

namespace medfed::crypto {

enum class PartyRole { kHub, kSite, kResearcher };
const char* RoleName(PartyRole role);
StatusOr<PartyRole> ParseRole(std::string_view text);

// A private key in PEM; the buffer is wiped when destroyed.
class PrivateKeyPem {
 public:
  PrivateKeyPem() = default;
  explicit PrivateKeyPem(std::string pem) : pem_(std::move(pem)) {}
  PrivateKeyPem(const PrivateKeyPem&) = delete;
  PrivateKeyPem& operator=(const PrivateKeyPem&) = delete;
  PrivateKeyPem(PrivateKeyPem&& other) noexcept : pem_(std::move(other.pem_)) { other.Wipe(); }
  PrivateKeyPem& operator=(PrivateKeyPem&& other) noexcept;
  ~PrivateKeyPem() { Wipe(); }
  const std::string& pem() const { return pem_; }

 private:
  void Wipe();
  std::string pem_;
};

struct KeyAndCertificate {
  PrivateKeyPem key;
  std::string certificate_pem;
};

// Party names: 1-64 characters of letters, digits, '.', '_' and '-'.
Status CheckPartyName(std::string_view name);

StatusOr<KeyAndCertificate> CreateCertificateAuthority(const std::string& name, int valid_days);
// `hosts`: DNS names or IP addresses the party serves on (subjectAltName), for the hub.
StatusOr<KeyAndCertificate> IssueCertificate(const KeyAndCertificate& authority, const std::string& name,
                                             PartyRole role, const std::vector<std::string>& hosts, int valid_days);

struct CertifiedParty {
  std::string name;
  PartyRole role;
};

// Checks that the certificate is signed by the CA and valid now, and reads name and role.
StatusOr<CertifiedParty> VerifyCertificate(std::string_view certificate_pem, std::string_view authority_pem);

// Signs with a party's Ed25519 private key.
class Signer {
 public:
  static StatusOr<Signer> FromPem(const PrivateKeyPem& key);
  Signer(Signer&& other) noexcept : key_(other.key_) { other.key_ = nullptr; }
  Signer& operator=(Signer&& other) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  std::string Sign(std::string_view message) const;  // 64 bytes

 private:
  explicit Signer(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_ = nullptr;
};

// Verifies an Ed25519 signature against the public key in a certificate.
Status VerifySignature(std::string_view certificate_pem, std::string_view message, std::string_view signature);

}  // namespace medfed::crypto
