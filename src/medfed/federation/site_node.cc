#include "medfed/federation/site_node.h"

#include "medfed/analysis/registry.h"
#include "medfed/core/text.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/federation/wire.h"

namespace medfed {

SiteNode::SiteNode(std::shared_ptr<SiteData> data, DisclosurePolicy policy)
    : data_(std::move(data)), policy_(policy) {}

v1::SiteResponse SiteNode::Handle(const v1::SiteRequest& request) {
  v1::SiteResponse response;
  response.set_site(name());
  response.set_session_id(request.session_id());
  response.set_sequence(request.sequence());
  auto fail = [&](const Status& status) {
    response.mutable_error()->set_code(static_cast<int>(status.code()));
    std::string message(status.message());
    if (!StartsWith(message, "site " + name())) message = "site " + name() + ": " + message;
    response.mutable_error()->set_message(message);
    return response;
  };
  std::lock_guard<std::mutex> lock(mutex_);
  if (request.has_open()) {
    if (sessions_.count(request.session_id())) {
      return fail(FailedPrecondition("session " + request.session_id() + " is already open"));
    }
    auto opened = Open(request);
    if (!opened.ok()) return fail(opened.status());
    *response.mutable_opened() = *std::move(opened);
    return response;
  }
  auto found = sessions_.find(request.session_id());
  if (found == sessions_.end()) {
    return fail(NotFound("no open session " + request.session_id()));
  }
  Session& session = found->second;
  if (request.sequence() <= session.last_sequence) {
    return fail(PermissionDenied("message " + std::to_string(request.sequence()) +
                                 " is replayed or out of order (last was " +
                                 std::to_string(session.last_sequence) + "); refused"));
  }
  session.last_sequence = request.sequence();
  if (request.has_keys()) {
    Status accepted = AcceptKeys(session, request.keys());
    if (!accepted.ok()) return fail(accepted);
    response.mutable_keys_accepted();
    return response;
  }
  if (request.has_round()) {
    auto reply = Round(session, request.sequence(), request.round());
    if (!reply.ok()) return fail(reply.status());
    *response.mutable_round() = *std::move(reply);
    return response;
  }
  if (request.has_close()) {
    sessions_.erase(found);
    response.mutable_closed();
    return response;
  }
  return fail(InvalidArgument("empty request"));
}

StatusOr<v1::SessionOpened> SiteNode::Open(const v1::SiteRequest& request) {
  const v1::StudyPlan& plan = request.open().plan();
  bool listed = false;
  for (const auto& site : plan.sites()) listed = listed || site == name();
  if (!listed) return PermissionDenied("the study does not list this site");
  Session session;
  session.plan = plan;
  session.last_sequence = request.sequence();
  ASSIGN_OR_RETURN(crypto::PairwiseMasker masker,
                   crypto::PairwiseMasker::Create(request.session_id(), name()));
  session.masker = std::make_unique<crypto::PairwiseMasker>(std::move(masker));
  SiteContext context{*data_, policy_};
  for (const auto& wire_spec : plan.analyses()) {
    const AnalysisDefinition* definition = FindAnalysis(wire_spec.type());
    if (definition == nullptr) {
      return InvalidArgument("unknown analysis type " + QuoteForMessage(wire_spec.type()));
    }
    Json keys = Json::parse(wire_spec.spec_json(), nullptr, /*allow_exceptions=*/false);
    if (keys.is_discarded() || !keys.is_object()) {
      return InvalidArgument("analysis " + wire_spec.id() + ": malformed specification");
    }
    AnalysisSpec spec(wire_spec.id(), wire_spec.type(), std::move(keys));
    ASSIGN_OR_RETURN(auto analysis, definition->create_site(spec, context));
    session.analyses.emplace(wire_spec.id(), std::move(analysis));
  }
  v1::SessionOpened opened;
  const auto& key = session.masker->public_key();
  opened.set_x25519_public_key(std::string(key.begin(), key.end()));
  ToWire(policy_, opened.mutable_policy());
  sessions_.emplace(request.session_id(), std::move(session));
  return opened;
}

Status SiteNode::AcceptKeys(Session& session, const v1::KeyDirectory& keys) {
  std::vector<crypto::Participant> participants;
  for (const auto& entry : keys.keys()) {
    if (entry.x25519_public_key().size() != 32) {
      return InvalidArgument("public key of site " + entry.site() + " is not 32 bytes");
    }
    crypto::Participant participant;
    participant.name = entry.site();
    std::copy(entry.x25519_public_key().begin(), entry.x25519_public_key().end(),
              participant.public_key.begin());
    participants.push_back(std::move(participant));
  }
  // Every site of the plan, and no other, must be in the directory.
  if (participants.size() != static_cast<size_t>(session.plan.sites_size())) {
    return InvalidArgument("the key directory lists " + std::to_string(participants.size()) +
                           " sites but the study has " + std::to_string(session.plan.sites_size()));
  }
  RETURN_IF_ERROR(session.masker->Agree(std::move(participants)));
  session.keys_agreed = true;
  return absl::OkStatus();
}

StatusOr<v1::RoundReply> SiteNode::Round(Session& session, uint64_t sequence,
                                         const v1::RoundRequest& round) {
  if (!session.keys_agreed) return FailedPrecondition("keys have not been agreed for this session");
  auto found = session.analyses.find(round.analysis_id());
  if (found == session.analyses.end()) {
    return NotFound("the study has no analysis " + QuoteForMessage(round.analysis_id()));
  }
  ASSIGN_OR_RETURN(Contribution contribution, found->second->Local(FromWire(round.parameters())));
  v1::RoundReply reply;
  if (contribution.refusal) {
    reply.mutable_refusal()->set_rule(contribution.refusal->rule);
    reply.mutable_refusal()->set_reason(contribution.refusal->reason);
    return reply;
  }
  ASSIGN_OR_RETURN(std::vector<crypto::RingElement> encoded,
                   crypto::EncodeFixedPoint(contribution.values));
  ASSIGN_OR_RETURN(std::vector<crypto::RingElement> masked, session.masker->Mask(encoded, sequence));
  auto* wire = reply.mutable_contribution();
  wire->set_masked(crypto::SerializeRing(masked));  // moved in (rvalue overload)
  for (const auto& [key, values] : contribution.disclosed) {
    auto& texts = (*wire->mutable_disclosed())[key];
    for (const auto& value : values) texts.add_values(value);
  }
  return reply;
}

}  // namespace medfed
