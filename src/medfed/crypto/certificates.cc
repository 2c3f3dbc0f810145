#include "medfed/crypto/certificates.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace medfed::crypto {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreContext = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

std::string OpenSslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char buffer[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, buffer, sizeof(buffer));
  ERR_clear_error();
  return what + " (" + buffer + ")";
}

StatusOr<Certificate> ParseCertificatePem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) return InvalidArgument(OpenSslError("not a PEM certificate"));
  return certificate;
}

StatusOr<Key> ParsePrivateKey(const PrivateKeyPem& pem) {
  Bio bio(BIO_new_mem_buf(pem.pem().data(), static_cast<int>(pem.pem().size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return InvalidArgument(OpenSslError("not a PEM private key"));
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return InvalidArgument("the private key is not Ed25519");
  return key;
}

StatusOr<Key> NewEd25519Key() {
  KeyContext context(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 || EVP_PKEY_keygen(context.get(), &raw) != 1) {
    return Internal(OpenSslError("cannot generate an Ed25519 key"));
  }
  return Key(raw);
}

std::string PrivateKeyToPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(size));
  OPENSSL_cleanse(data, static_cast<size_t>(size));
  return pem;
}

std::string CertificateToPem(X509* certificate) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Status AddExtension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return Internal(OpenSslError("certificate extension " + value));
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  return absl::OkStatus();
}

// A certificate for `key` with the given subject, signed by `issuer_key` (self-signed when the
// issuer is null).
StatusOr<Certificate> MakeCertificate(EVP_PKEY* key, const std::string& name, const std::string& unit, X509* issuer,
                                      EVP_PKEY* issuer_key, int valid_days) {
  Certificate certificate(X509_new());
  X509_set_version(certificate.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
  BN_free(number);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(valid_days) * 86400);
  X509_set_pubkey(certificate.get(), key);
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("medfed"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "OU", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(unit.c_str()), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), issuer != nullptr ? X509_get_subject_name(issuer) : subject);
  X509* signer_certificate = issuer != nullptr ? issuer : certificate.get();
  if (issuer == nullptr) {
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_basic_constraints, "critical,CA:TRUE"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_basic_constraints, "critical,CA:FALSE"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_key_usage, "critical,digitalSignature"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_ext_key_usage, "serverAuth,clientAuth"));
  }
  RETURN_IF_ERROR(AddExtension(certificate.get(), signer_certificate, NID_subject_key_identifier, "hash"));
  if (X509_sign(certificate.get(), issuer_key != nullptr ? issuer_key : key, nullptr) == 0) {
    return Internal(OpenSslError("cannot sign the certificate"));
  }
  return certificate;
}

std::string SubjectField(X509* certificate, int nid) {
  X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, nid, -1);
  if (index < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string text(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

}  // namespace

const char* RoleName(PartyRole role) {
  switch (role) {
    case PartyRole::kHub:
      return "hub";
    case PartyRole::kSite:
      return "site";
    case PartyRole::kResearcher:
      return "researcher";
  }
  return "";
}

StatusOr<PartyRole> ParseRole(std::string_view text) {
  if (text == "hub") return PartyRole::kHub;
  if (text == "site") return PartyRole::kSite;
  if (text == "researcher") return PartyRole::kResearcher;
  return InvalidArgument("role " + std::string(text) + " is not known; use hub, site or researcher");
}

PrivateKeyPem& PrivateKeyPem::operator=(PrivateKeyPem&& other) noexcept {
  if (this != &other) {
    Wipe();
    pem_ = std::move(other.pem_);
    other.Wipe();
  }
  return *this;
}

void PrivateKeyPem::Wipe() {
  if (!pem_.empty()) OPENSSL_cleanse(pem_.data(), pem_.size());
  pem_.clear();
}

Status CheckPartyName(std::string_view name) {
  if (name.empty() || name.size() > 64) return InvalidArgument("a party name has 1 to 64 characters");
  for (char c : name) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) {
      return InvalidArgument("party name \"" + std::string(name) + "\": use letters, digits, '.', '_' and '-' only");
    }
  }
  return absl::OkStatus();
}

StatusOr<KeyAndCertificate> CreateCertificateAuthority(const std::string& name, int valid_days) {
  RETURN_IF_ERROR(CheckPartyName(name));
  ASSIGN_OR_RETURN(Key key, NewEd25519Key());
  ASSIGN_OR_RETURN(Certificate certificate, MakeCertificate(key.get(), name, "ca", nullptr, nullptr, valid_days));
  return KeyAndCertificate{PrivateKeyPem(PrivateKeyToPem(key.get())), CertificateToPem(certificate.get())};
}

StatusOr<KeyAndCertificate> IssueCertificate(const KeyAndCertificate& authority, const std::string& name,
                                             PartyRole role, const std::vector<std::string>& hosts, int valid_days) {
  RETURN_IF_ERROR(CheckPartyName(name));
  ASSIGN_OR_RETURN(Key authority_key, ParsePrivateKey(authority.key));
  ASSIGN_OR_RETURN(Certificate authority_certificate, ParseCertificatePem(authority.certificate_pem));
  ASSIGN_OR_RETURN(Key key, NewEd25519Key());
  ASSIGN_OR_RETURN(
      Certificate certificate,
      MakeCertificate(key.get(), name, RoleName(role), authority_certificate.get(), authority_key.get(), valid_days));
  if (!hosts.empty()) {
    std::string names;
    for (const auto& host : hosts) {
      const bool ip = !host.empty() && host.find_first_not_of("0123456789.:") == std::string::npos;
      names += (names.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + host;
    }
    // Re-sign after adding the names.
    RETURN_IF_ERROR(AddExtension(certificate.get(), authority_certificate.get(), NID_subject_alt_name, names));
    if (X509_sign(certificate.get(), authority_key.get(), nullptr) == 0) {
      return Internal(OpenSslError("cannot sign the certificate"));
    }
  }
  return KeyAndCertificate{PrivateKeyPem(PrivateKeyToPem(key.get())), CertificateToPem(certificate.get())};
}

StatusOr<CertifiedParty> VerifyCertificate(std::string_view certificate_pem, std::string_view authority_pem) {
  ASSIGN_OR_RETURN(Certificate certificate, ParseCertificatePem(certificate_pem));
  ASSIGN_OR_RETURN(Certificate authority, ParseCertificatePem(authority_pem));
  Store store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), authority.get());
  StoreContext context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr);
  if (X509_verify_cert(context.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(context.get());
    return PermissionDenied(std::string("certificate of ") + SubjectField(certificate.get(), NID_commonName) +
                            " is not valid for this network: " + X509_verify_cert_error_string(error));
  }
  CertifiedParty party;
  party.name = SubjectField(certificate.get(), NID_commonName);
  RETURN_IF_ERROR(CheckPartyName(party.name));
  auto role = ParseRole(SubjectField(certificate.get(), NID_organizationalUnitName));
  if (!role.ok()) return PermissionDenied("certificate of " + party.name + " names no medfed role (subject OU)");
  party.role = *role;
  return party;
}

Signer& Signer::operator=(Signer&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = other.key_;
    other.key_ = nullptr;
  }
  return *this;
}

Signer::~Signer() { EVP_PKEY_free(key_); }

StatusOr<Signer> Signer::FromPem(const PrivateKeyPem& key) {
  ASSIGN_OR_RETURN(Key parsed, ParsePrivateKey(key));
  return Signer(parsed.release());
}

std::string Signer::Sign(std::string_view message) const {
  DigestContext context(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  size_t length = signature.size();
  EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_);
  EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  signature.resize(length);
  return signature;
}

Status VerifySignature(std::string_view certificate_pem, std::string_view message, std::string_view signature) {
  ASSIGN_OR_RETURN(Certificate certificate, ParseCertificatePem(certificate_pem));
  EVP_PKEY* key = X509_get0_pubkey(certificate.get());
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return InvalidArgument("the certificate's key is not Ed25519");
  }
  DigestContext context(EVP_MD_CTX_new());
  EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key);
  const int verified =
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (verified != 1) return PermissionDenied("signature does not verify");
  return absl::OkStatus();
}

}  // namespace medfed::crypto
