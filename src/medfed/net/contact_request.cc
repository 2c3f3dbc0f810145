#include "medfed/net/contact_request.h"

#include <chrono>
#include <set>

#include "medfed/analysis/matching/contact_details.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/keyed_hash.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/crypto/sodium.h"

namespace medfed::net {
namespace {

void AppendPart(std::string& message, std::string_view part) {
  uint64_t size = part.size();
  for (int i = 0; i < 8; ++i) message.push_back(static_cast<char>((size >> (8 * (7 - i))) & 0xff));
  message.append(part);
}

bool IsHex(const std::string& text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

StatusOr<crypto::BoxKeyPair> ContactReplyKeys(const NetworkIdentity& researcher, const std::string& nonce) {
  // A keyed hash of the nonce under the identity's private key: only that key's holder can
  // re-derive the seed, and every request gets its own reply key.
  const auto seed = crypto::HmacSha256(researcher.key.pem(), "medfed contact reply key v1\n" + nonce);
  crypto::SecretBytes secret(seed.size());
  std::copy(seed.begin(), seed.end(), secret.data());
  return crypto::BoxKeyPairFromSeed(secret);
}

StatusOr<v1::SignedContactRequest> BuildContactRequest(const ContactQuestion& question,
                                                       const NetworkIdentity& researcher) {
  v1::ContactRequest request;
  request.set_study_id(question.study_id);
  request.set_site(question.site);
  request.set_handle(question.handle);
  for (const auto& field : question.fields) request.add_fields(field);
  request.set_reason(question.reason);
  request.set_nonce(crypto::RandomHex(16));
  request.set_submitted_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  ASSIGN_OR_RETURN(crypto::BoxKeyPair keys, ContactReplyKeys(researcher, request.nonce()));
  request.set_reply_key(keys.public_key);
  v1::SignedContactRequest signed_request;
  request.SerializeToString(signed_request.mutable_request());
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(researcher.key));
  signed_request.set_signature(signer.Sign(signed_request.request()));
  // The same checks the hub and the site make, so a bad request fails here, with the reason.
  RETURN_IF_ERROR(VerifyContactRequest(signed_request, researcher.certificate_pem, researcher.authority_pem).status());
  return signed_request;
}

std::string ContactRequestId(const v1::SignedContactRequest& signed_request) {
  return crypto::Sha256Hex(signed_request.request()).substr(0, 24);
}

StatusOr<VerifiedContactRequest> VerifyContactRequest(const v1::SignedContactRequest& signed_request,
                                                      const std::string& researcher_certificate,
                                                      const std::string& authority_pem) {
  if (signed_request.request().size() > kMaxContactRequestBytes) {
    return InvalidArgument("the contact request has " + std::to_string(signed_request.request().size()) +
                           " bytes, more than " + std::to_string(kMaxContactRequestBytes));
  }
  ASSIGN_OR_RETURN(crypto::CertifiedParty party, crypto::VerifyCertificate(researcher_certificate, authority_pem));
  if (party.role != crypto::PartyRole::kResearcher) {
    return PermissionDenied(party.name + " is a " + crypto::RoleName(party.role) + ", not a researcher");
  }
  if (!crypto::VerifySignature(researcher_certificate, signed_request.request(), signed_request.signature()).ok()) {
    return PermissionDenied("the contact request is not signed by researcher " + party.name);
  }
  VerifiedContactRequest verified;
  if (!verified.request.ParseFromString(signed_request.request())) {
    return InvalidArgument("the contact request is not a valid message");
  }
  verified.researcher = party.name;
  verified.id = ContactRequestId(signed_request);
  const v1::ContactRequest& request = verified.request;
  if (request.study_id().empty() || request.study_id().size() > 64 || !IsHex(request.study_id())) {
    return InvalidArgument("the contact request must name the study (the match result's query_id)");
  }
  RETURN_IF_ERROR(crypto::CheckPartyName(request.site()));
  if (request.handle().size() != 32 || !IsHex(request.handle())) {
    return InvalidArgument("the handle must be the 32 hex digits of a match result, not \"" +
                           request.handle().substr(0, 40) + "\"");
  }
  if (request.fields().empty()) {
    return InvalidArgument(
        "the contact request asks for nothing; name fields among phenotype, genes, diagnosis, "
        "contact");
  }
  std::set<std::string> seen;
  for (const auto& field : request.fields()) {
    bool known = false;
    for (const auto& name : analysis::ContactFieldNames()) known = known || name == field;
    if (!known) {
      return InvalidArgument("unknown contact field \"" + field.substr(0, 40) +
                             "\"; a site can release phenotype, genes, diagnosis and contact");
    }
    if (!seen.insert(field).second) return InvalidArgument("contact field " + field + " is named twice");
  }
  if (request.reason().empty()) {
    return InvalidArgument("a contact request needs a reason (--reason): the site's steward decides on it");
  }
  if (request.reason().size() > kMaxContactReasonChars) {
    return InvalidArgument("the reason has more than " + std::to_string(kMaxContactReasonChars) + " bytes");
  }
  if (request.reply_key().size() != crypto::kBoxPublicKeyBytes) {
    return InvalidArgument("the contact request's reply key is not 32 bytes");
  }
  if (request.nonce().empty() || request.nonce().size() > 64) return InvalidArgument("the nonce must be 1-64 bytes");
  return verified;
}

governance::ContactRecord ContactRecordOf(const VerifiedContactRequest& verified,
                                          const v1::SignedContactRequest& signed_request,
                                          const std::string& researcher_certificate) {
  const v1::ContactRequest& request = verified.request;
  governance::ContactRecord record;
  record.request_id = verified.id;
  record.study_id = request.study_id();
  record.site = request.site();
  record.researcher = verified.researcher;
  record.handle = request.handle();
  record.fields.assign(request.fields().begin(), request.fields().end());
  record.reason = request.reason();
  signed_request.SerializeToString(&record.signed_request);
  record.researcher_certificate = researcher_certificate;
  return record;
}

std::string ContactAnswerMessage(const std::string& site, const v1::ContactAnswer& answer) {
  std::string message;
  AppendPart(message, "medfed contact answer v1");
  AppendPart(message, site);
  AppendPart(message, answer.request_id());
  AppendPart(message, answer.approved() ? "approved" : "denied");
  AppendPart(message, answer.reason());
  AppendPart(message, answer.decided_by());
  for (const auto& field : answer.released_fields()) AppendPart(message, field);
  AppendPart(message, crypto::Sha256Hex(answer.sealed()));
  return message;
}

StatusOr<analysis::Json> OpenContactAnswer(const v1::ContactStatus& status, const NetworkIdentity& researcher) {
  v1::ContactRequest request;
  if (!request.ParseFromString(status.signed_request().request())) {
    return InvalidArgument("the hub returned a contact request that is not a valid message");
  }
  if (ContactRequestId(status.signed_request()) != status.request_id()) {
    return PermissionDenied("the hub returned another request than " + status.request_id());
  }
  if (status.state() == "pending") return analysis::Json::object();
  ASSIGN_OR_RETURN(crypto::CertifiedParty site,
                   crypto::VerifyCertificate(status.site_certificate(), researcher.authority_pem));
  if (site.role != crypto::PartyRole::kSite || site.name != request.site()) {
    return PermissionDenied("the answer is signed by " + site.name + ", not by site " + request.site());
  }
  const v1::ContactAnswer& answer = status.answer();
  if (answer.request_id() != status.request_id() ||
      !crypto::VerifySignature(status.site_certificate(), ContactAnswerMessage(site.name, answer),
                               answer.site_signature())
           .ok()) {
    return PermissionDenied("the answer to contact request " + status.request_id() + " does not carry site " +
                            site.name + "'s signature; the hub may have altered it");
  }
  // The decision is the site's signed one; the hub's word for it must agree.
  if (status.state() != (answer.approved() ? "approved" : "denied")) {
    return PermissionDenied("the hub reports contact request " + status.request_id() + " as " +
                            status.state().substr(0, 20) + ", but site " + site.name + " signed " +
                            (answer.approved() ? "an approval" : "a denial"));
  }
  if (!answer.approved()) return analysis::Json::object();
  ASSIGN_OR_RETURN(crypto::BoxKeyPair keys, ContactReplyKeys(researcher, request.nonce()));
  if (keys.public_key != request.reply_key()) {
    return PermissionDenied("contact request " + status.request_id() + " was made with another identity");
  }
  ASSIGN_OR_RETURN(std::string opened, crypto::OpenSealed(keys, answer.sealed()));
  analysis::Json details = analysis::Json::parse(opened, nullptr, false);
  if (!details.is_object()) return InvalidArgument("the site's released details are not a JSON object");
  return details;
}

}  // namespace medfed::net
