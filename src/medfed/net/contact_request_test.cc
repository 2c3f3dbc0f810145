// What the hub and a site check in a researcher's contact request, and what the researcher checks
// in a site's answer relayed by the hub: the signatures bind each message to its author, and the
// details open only with the requesting identity.
#include "medfed/net/contact_request.h"

#include "gtest/gtest.h"

namespace medfed::net {
namespace {

class ContactRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto authority = crypto::CreateCertificateAuthority("test-ca", 30);
    ASSERT_TRUE(authority.ok()) << authority.status();
    authority_ = *std::move(authority);
    alice_ = Party("alice", crypto::PartyRole::kResearcher);
    bob_ = Party("bob", crypto::PartyRole::kResearcher);
    clinic_ = Party("clinic-a", crypto::PartyRole::kSite);
  }

  NetworkIdentity Party(const std::string& name, crypto::PartyRole role) {
    auto issued = crypto::IssueCertificate(authority_, name, role, {}, 30);
    EXPECT_TRUE(issued.ok()) << issued.status();
    NetworkIdentity identity;
    identity.authority_pem = authority_.certificate_pem;
    identity.certificate_pem = issued->certificate_pem;
    identity.key = std::move(issued->key);
    identity.party = {name, role};
    return identity;
  }

  static ContactQuestion Question() {
    return {"0123456789abcdef01234567", "clinic-a", std::string(32, 'a'), {"diagnosis", "contact"}, "a family asks"};
  }

  // The site's answer to `request`, as a site daemon makes it, and the status the hub returns.
  v1::ContactStatus Answered(const v1::SignedContactRequest& request, const std::string& details) {
    v1::ContactRequest parsed;
    parsed.ParseFromString(request.request());
    v1::ContactStatus status;
    status.set_request_id(ContactRequestId(request));
    status.set_state("approved");
    *status.mutable_signed_request() = request;
    status.set_site_certificate(clinic_.certificate_pem);
    v1::ContactAnswer* answer = status.mutable_answer();
    answer->set_request_id(status.request_id());
    answer->set_approved(true);
    answer->set_decided_by("dr. wu");
    answer->add_released_fields("diagnosis");
    answer->set_sealed(*crypto::SealTo(parsed.reply_key(), details));
    auto signer = crypto::Signer::FromPem(clinic_.key);
    answer->set_site_signature(signer->Sign(ContactAnswerMessage("clinic-a", *answer)));
    return status;
  }

  crypto::KeyAndCertificate authority_;
  NetworkIdentity alice_, bob_, clinic_;
};

TEST_F(ContactRequestTest, ARequestIsBoundToItsSignerAndItsContentsAreChecked) {
  auto request = BuildContactRequest(Question(), alice_);
  ASSERT_TRUE(request.ok()) << request.status();
  auto verified = VerifyContactRequest(*request, alice_.certificate_pem, authority_.certificate_pem);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->researcher, "alice");
  EXPECT_EQ(verified->id, ContactRequestId(*request));
  // Presented under another researcher's certificate, or by a site: refused.
  EXPECT_FALSE(VerifyContactRequest(*request, bob_.certificate_pem, authority_.certificate_pem).ok());
  EXPECT_EQ(VerifyContactRequest(*request, clinic_.certificate_pem, authority_.certificate_pem).status().message(),
            "clinic-a is a site, not a researcher");
  // Altered after signing: refused.
  v1::SignedContactRequest altered = *request;
  altered.mutable_request()->back() ^= 1;
  EXPECT_FALSE(VerifyContactRequest(altered, alice_.certificate_pem, authority_.certificate_pem).ok());

  struct Case {
    std::function<void(ContactQuestion&)> change;
    std::string expected;
  } cases[] = {
      {[](ContactQuestion& q) { q.fields = {"patient_id"}; }, "unknown contact field \"patient_id\""},
      {[](ContactQuestion& q) {
         q.fields = {"contact", "contact"};
       },
       "contact field contact is named twice"},
      {[](ContactQuestion& q) { q.fields.clear(); }, "asks for nothing"},
      {[](ContactQuestion& q) { q.handle = "../../etc/passwd"; }, "the handle must be the 32 hex digits"},
      {[](ContactQuestion& q) { q.reason.clear(); }, "needs a reason"},
      {[](ContactQuestion& q) { q.reason = std::string(3000, 'x'); }, "more than 2000 bytes"},
      {[](ContactQuestion& q) { q.study_id = "x;drop"; }, "must name the study"},
      {[](ContactQuestion& q) { q.site = "../site"; }, "site"},
      {[](ContactQuestion& q) { q.reason = std::string(20000, 'x'); }, "more than 16384"},
  };
  for (const auto& [change, expected] : cases) {
    ContactQuestion question = Question();
    change(question);
    auto refused = BuildContactRequest(question, alice_);
    ASSERT_FALSE(refused.ok()) << expected;
    EXPECT_NE(refused.status().message().find(expected), std::string::npos) << refused.status();
  }
}

TEST_F(ContactRequestTest, OnlyTheRequesterOpensTheAnswerAndOnlyAsTheSiteSignedIt) {
  auto request = BuildContactRequest(Question(), alice_);
  ASSERT_TRUE(request.ok()) << request.status();
  const v1::ContactStatus status = Answered(*request, R"({"diagnosis":"D24"})");
  auto opened = OpenContactAnswer(status, alice_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)["diagnosis"], "D24");
  // The reply key is the requester's: another researcher cannot open it.
  EXPECT_FALSE(OpenContactAnswer(status, bob_).ok());
  // A hub that changes the decision, the reason or the sealed details is caught.
  for (int change = 0; change < 3; ++change) {
    v1::ContactStatus forged = status;
    if (change == 0) forged.mutable_answer()->add_released_fields("contact");
    if (change == 1) forged.mutable_answer()->set_reason("approved by the hub");
    if (change == 2) {
      v1::ContactRequest parsed;
      parsed.ParseFromString(request->request());
      forged.mutable_answer()->set_sealed(*crypto::SealTo(parsed.reply_key(), R"({"diagnosis":"D1"})"));
    }
    auto refused = OpenContactAnswer(forged, alice_);
    ASSERT_FALSE(refused.ok()) << change;
    EXPECT_NE(refused.status().message().find("does not carry site clinic-a's signature"), std::string::npos);
  }
  // An answer signed by another party than the site the request named.
  v1::ContactStatus other = status;
  other.set_site_certificate(bob_.certificate_pem);
  EXPECT_FALSE(OpenContactAnswer(other, alice_).ok());
  // A hub that reports the site's approval as a denial.
  v1::ContactStatus misreported = status;
  misreported.set_state("denied");
  auto disagreed = OpenContactAnswer(misreported, alice_);
  ASSERT_FALSE(disagreed.ok());
  EXPECT_NE(disagreed.status().message().find("but site clinic-a signed an approval"), std::string::npos)
      << disagreed.status();
  // A status for another request than the one it carries.
  v1::ContactStatus swapped = status;
  swapped.set_request_id(std::string(24, '0'));
  EXPECT_FALSE(OpenContactAnswer(swapped, alice_).ok());
}

}  // namespace
}  // namespace medfed::net
