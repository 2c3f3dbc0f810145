#include "medfed/crypto/certificates.h"

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

TEST(CertificatesTest, IssuedCertificatesCarryNameAndRoleAndChainToTheirAuthority) {
  auto authority = CreateCertificateAuthority("test-network", 30);
  ASSERT_TRUE(authority.ok()) << authority.status();
  EXPECT_NE(authority->key.pem().find("BEGIN PRIVATE KEY"), std::string::npos);
  auto site = IssueCertificate(*authority, "hospital-a", PartyRole::kSite, {}, 30);
  ASSERT_TRUE(site.ok()) << site.status();
  auto party = VerifyCertificate(site->certificate_pem, authority->certificate_pem);
  ASSERT_TRUE(party.ok()) << party.status();
  EXPECT_EQ(party->name, "hospital-a");
  EXPECT_EQ(party->role, PartyRole::kSite);
  auto hub = IssueCertificate(*authority, "hub", PartyRole::kHub, {"localhost", "127.0.0.1"}, 30);
  ASSERT_TRUE(hub.ok()) << hub.status();
  EXPECT_EQ(VerifyCertificate(hub->certificate_pem, authority->certificate_pem)->role, PartyRole::kHub);

  // Another network's CA does not vouch for this certificate, and a CA is not a party.
  auto other = CreateCertificateAuthority("other-network", 30);
  ASSERT_TRUE(other.ok());
  auto rejected = VerifyCertificate(site->certificate_pem, other->certificate_pem);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(VerifyCertificate(authority->certificate_pem, authority->certificate_pem).ok());
  EXPECT_FALSE(VerifyCertificate("not a certificate", authority->certificate_pem).ok());
}

TEST(CertificatesTest, SignaturesVerifyOnlyForTheRightKeyAndMessage) {
  auto authority = CreateCertificateAuthority("test-network", 30);
  auto alice = IssueCertificate(*authority, "alice", PartyRole::kResearcher, {}, 30);
  auto bob = IssueCertificate(*authority, "bob", PartyRole::kResearcher, {}, 30);
  ASSERT_TRUE(alice.ok() && bob.ok());
  auto signer = Signer::FromPem(alice->key);
  ASSERT_TRUE(signer.ok()) << signer.status();
  const std::string signature = signer->Sign("study plan v1");
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(VerifySignature(alice->certificate_pem, "study plan v1", signature).ok());
  EXPECT_FALSE(VerifySignature(alice->certificate_pem, "study plan v2", signature).ok());
  EXPECT_FALSE(VerifySignature(bob->certificate_pem, "study plan v1", signature).ok());
  std::string flipped = signature;
  flipped[10] ^= 1;
  EXPECT_FALSE(VerifySignature(alice->certificate_pem, "study plan v1", flipped).ok());
}

TEST(CertificatesTest, NamesAndRolesAreChecked) {
  EXPECT_TRUE(CheckPartyName("hospital-a.eu_1").ok());
  EXPECT_FALSE(CheckPartyName("").ok());
  EXPECT_FALSE(CheckPartyName("a b").ok());
  EXPECT_FALSE(CheckPartyName("x/../y").ok());
  EXPECT_FALSE(CheckPartyName(std::string(65, 'a')).ok());
  EXPECT_FALSE(ParseRole("admin").ok());
  auto authority = CreateCertificateAuthority("test-network", 30);
  EXPECT_FALSE(IssueCertificate(*authority, "bad name", PartyRole::kSite, {}, 30).ok());
}

}  // namespace
}  // namespace medfed::crypto
