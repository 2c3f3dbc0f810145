#include "medfed/net/contact_desk.h"

#include <algorithm>

#include "medfed/core/log.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/sodium.h"
#include "medfed/net/contact_request.h"

namespace medfed::net {
namespace {

nlohmann::ordered_json FieldList(const std::vector<std::string>& fields) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& field : fields) list.push_back(field);
  return list;
}

}  // namespace

StatusOr<v1::ContactStatus> ContactDesk::StatusOf(const governance::ContactRecord& record) {
  v1::ContactStatus status;
  status.set_request_id(record.request_id);
  status.set_state(governance::ApprovalStateName(record.state));
  if (!status.mutable_signed_request()->ParseFromString(record.signed_request)) {
    return Internal("the hub's copy of contact request " + record.request_id + " is unreadable");
  }
  if (record.state != governance::ApprovalState::kPending) {
    if (!status.mutable_answer()->ParseFromString(record.answer)) {
      return Internal("the hub's copy of the answer to contact request " + record.request_id + " is unreadable");
    }
    status.set_site_certificate(record.answer_certificate);
  }
  return status;
}

StatusOr<v1::ContactStatus> ContactDesk::Request(const v1::SignedContactRequest& signed_request,
                                                 const Caller& researcher) {
  ASSIGN_OR_RETURN(VerifiedContactRequest verified,
                   VerifyContactRequest(signed_request, researcher.certificate_pem, identity_.authority_pem));
  const v1::ContactRequest& request = verified.request;
  // Only about the researcher's own study, at a site it went to (another's is reported as absent).
  ASSIGN_OR_RETURN(auto study, studies_.Get(request.study_id()));
  if (!study || study->researcher != verified.researcher) {
    return NotFound("no study " + request.study_id() + " of yours");
  }
  if (!study->decisions.count(request.site())) {
    return InvalidArgument("study " + request.study_id() + " did not run at site " + request.site());
  }
  bool added = false;
  ASSIGN_OR_RETURN(governance::ContactRecord record,
                   contacts_.Receive(ContactRecordOf(verified, signed_request, researcher.certificate_pem), &added));
  if (added) {
    ledger_.Record({{"type", "contact_request"},
                    {"request", record.request_id},
                    {"study", record.study_id},
                    {"site", record.site},
                    {"researcher", record.researcher},
                    {"handle", record.handle},
                    {"fields", FieldList(record.fields)},
                    {"reason", record.reason}});
    LogLine("hub", "contact request " + record.request_id + " from " + record.researcher + " to site " + record.site);
  }
  if (record.state == governance::ApprovalState::kPending) {
    if (auto link = sites_.Get(record.site)) Forward(*link, record);
  }
  return StatusOf(record);
}

StatusOr<v1::ContactStatus> ContactDesk::Lookup(const std::string& request_id, const Caller& researcher) {
  ASSIGN_OR_RETURN(auto record, contacts_.Get(request_id));
  if (!record || record->researcher != researcher.party.name) {
    return NotFound("no contact request " + request_id + " of yours");
  }
  return StatusOf(*record);
}

void ContactDesk::Forward(SiteLink& link, const governance::ContactRecord& record) {
  v1::HubToSite message;
  v1::ContactReview* review = message.mutable_contact();
  review->set_request_id(record.request_id);
  if (!review->mutable_signed_request()->ParseFromString(record.signed_request)) return;
  review->set_researcher_certificate(record.researcher_certificate);
  (void)link.Send(message);  // a site that is not there gets it when it reconnects
}

void ContactDesk::SendPending(const std::shared_ptr<SiteLink>& link) {
  auto pending = contacts_.Pending(link->site());
  if (!pending.ok()) {
    LogLine("hub", "contact requests for site " + link->site() + ": " + MessageOf(pending.status()));
    return;
  }
  for (const auto& record : *pending) Forward(*link, record);
}

void ContactDesk::OnAnswer(const SiteLink& link, const v1::ContactAnswer& answer) {
  const std::string id = answer.request_id().substr(0, 64);
  auto record = contacts_.Get(id);
  if (!record.ok() || !record->has_value() || (*record)->site != link.site()) {
    LogLine("hub", "site " + link.site() + " answered contact request " + id + ", which is not one of its; ignored");
    return;
  }
  if ((*record)->state != governance::ApprovalState::kPending) return;  // answered before a reconnection
  if (!crypto::VerifySignature(link.certificate(), ContactAnswerMessage(link.site(), answer), answer.site_signature())
           .ok()) {
    LogLine("hub", "site " + link.site() + "'s answer to contact request " + id + " is not signed by it; ignored");
    return;
  }
  const std::vector<std::string> released(answer.released_fields().begin(), answer.released_fields().end());
  for (const auto& field : released) {
    if (std::find((*record)->fields.begin(), (*record)->fields.end(), field) == (*record)->fields.end()) {
      LogLine("hub", "site " + link.site() + " released " + field.substr(0, 40) + " on contact request " + id +
                         ", which did not ask for it; ignored");
      return;
    }
  }
  std::string stored;
  answer.SerializeToString(&stored);
  auto decided = contacts_.Decide(id, answer.approved(), answer.decided_by().substr(0, 200),
                                  answer.reason().substr(0, 2000), released, stored, link.certificate());
  if (!decided.ok()) {
    LogLine("hub", "contact request " + id + ": " + MessageOf(decided.status()));
    return;
  }
  // What left the site: the fields by name, the sealed details by their hash only.
  ledger_.Record({{"type", "contact_decision"},
                  {"request", id},
                  {"site", link.site()},
                  {"decision", answer.approved() ? "approved" : "denied"},
                  {"by", decided->decided_by},
                  {"reason", decided->decision_reason},
                  {"released", FieldList(decided->released_fields)},
                  {"sealed_sha256", crypto::Sha256Hex(answer.sealed())}});
  LogLine("hub", "site " + link.site() + (answer.approved() ? " approved" : " denied") + " contact request " + id);
}

}  // namespace medfed::net
