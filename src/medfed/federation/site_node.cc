#include "medfed/federation/site_node.h"

#include <limits>
#include <set>

#include "medfed/analysis/engine/registry.h"
#include "medfed/core/text.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/crypto/merkle_tree.h"
#include "medfed/federation/wire.h"

namespace medfed::federation {

SiteNode::SiteNode(std::shared_ptr<analysis::SiteData> data, privacy::SitePolicy policy, SiteNodeOptions options)
    : data_(std::move(data)), policy_(std::move(policy)), options_(std::move(options)) {
  if (!options_.releases) {
    auto in_memory = governance::ReleaseStore::Open(":memory:");
    // An in-memory SQLite database fails to open only when memory is exhausted.
    if (in_memory.ok()) options_.releases = std::shared_ptr<governance::ReleaseStore>(*std::move(in_memory));
  }
  guard_ = std::make_unique<ReleaseGuard>(options_.releases, data_, policy_);
}

std::string SiteNode::KeyBindingMessage(const std::string& session_id, const std::string& site,
                                        const std::string& public_key) {
  return "medfed x25519 session key v1\n" + session_id + "\n" + site + "\n" +
         crypto::HexOf(
             std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(public_key.data()), public_key.size()));
}

void SiteNode::CloseAllSessions() {
  absl::MutexLock lock(&mutex_);
  sessions_.clear();
  ++generation_;
}

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
  if (request.has_open()) {
    uint64_t generation = 0;
    {
      absl::MutexLock lock(&mutex_);
      if (sessions_.count(request.session_id())) {
        return fail(FailedPrecondition("session " + request.session_id() + " is already open"));
      }
      generation = generation_;
    }
    v1::SessionOpened opened;
    auto session = Open(request, opened);
    if (!session.ok()) return fail(session.status());
    absl::MutexLock lock(&mutex_);
    if (generation != generation_) {
      return fail(Unavailable("the hub's connection ended while session " + request.session_id() + " was opening"));
    }
    if (!sessions_.emplace(request.session_id(), *std::move(session)).second) {
      return fail(FailedPrecondition("session " + request.session_id() + " is already open"));
    }
    *response.mutable_opened() = std::move(opened);
    return response;
  }
  std::shared_ptr<Session> session;
  {
    absl::MutexLock lock(&mutex_);
    auto found = sessions_.find(request.session_id());
    if (found == sessions_.end()) return fail(NotFound("no open session " + request.session_id()));
    session = found->second;
  }
  absl::MutexLock session_lock(&session->mutex);
  if (request.sequence() <= session->last_sequence) {
    return fail(PermissionDenied("message " + std::to_string(request.sequence()) +
                                 " is replayed or out of order (last was " + std::to_string(session->last_sequence) +
                                 "); refused"));
  }
  session->last_sequence = request.sequence();
  if (request.has_keys()) {
    Status accepted = AcceptKeys(*session, request.keys());
    if (!accepted.ok()) return fail(accepted);
    response.mutable_keys_accepted();
    if (session->double_masker) {
      auto material = session->double_masker->NewMaterial(request.sequence());
      if (!material.ok()) return fail(material.status());
      ToWire(*material, response.mutable_keys_accepted()->mutable_material());
    }
    return response;
  }
  if (request.has_round()) {
    auto reply = Round(*session, request.sequence(), request.round());
    if (!reply.ok()) return fail(reply.status());
    *response.mutable_round() = *std::move(reply);
    return response;
  }
  if (request.has_unmask()) {
    auto reply = Unmask(*session, request.sequence(), request.unmask());
    if (!reply.ok()) return fail(reply.status());
    *response.mutable_unmasked() = *std::move(reply);
    return response;
  }
  if (request.has_close()) {
    absl::MutexLock lock(&mutex_);
    sessions_.erase(request.session_id());
    response.mutable_closed();
    return response;
  }
  return fail(InvalidArgument("empty request"));
}

StatusOr<std::shared_ptr<SiteNode::Session>> SiteNode::Open(const v1::SiteRequest& request, v1::SessionOpened& opened) {
  const v1::StudyPlan& plan = request.open().plan();
  bool listed = false;
  for (const auto& site : plan.sites()) listed = listed || site == name();
  if (!listed) return PermissionDenied("the study does not list this site");
  if (plan.session_id() != request.session_id()) return InvalidArgument("the plan is for another session");
  if (options_.admit) RETURN_IF_ERROR(options_.admit(plan));
  auto session = std::make_shared<Session>();
  absl::MutexLock building(&session->mutex);  // not shared yet; the lock keeps the rule simple
  session->plan = plan;
  if (options_.identity && !plan.researcher_certificate().empty()) {
    auto researcher = crypto::VerifyCertificate(plan.researcher_certificate(), options_.identity->authority_pem);
    if (!researcher.ok() || researcher->role != crypto::PartyRole::kResearcher) {
      return PermissionDenied("the study's researcher certificate is not a researcher certificate of this network");
    }
    session->researcher = researcher->name;
  }
  session->last_sequence = request.sequence();
  if (plan.on_dropout() == "continue") {
    ASSIGN_OR_RETURN(
        crypto::DoubleMasker masker,
        crypto::DoubleMasker::Create(request.session_id(), name(), static_cast<int>(plan.dropout_threshold())));
    session->double_masker = std::make_unique<crypto::DoubleMasker>(std::move(masker));
  } else if (plan.on_dropout().empty() || plan.on_dropout() == "abort") {
    ASSIGN_OR_RETURN(crypto::PairwiseMasker masker, crypto::PairwiseMasker::Create(request.session_id(), name()));
    session->masker = std::make_unique<crypto::PairwiseMasker>(std::move(masker));
  } else {
    return InvalidArgument("on_dropout " + QuoteForMessage(plan.on_dropout()) +
                           R"( is neither "abort" nor "continue")");
  }
  // Embedded mode trusts the study file's reader; network mode has checked the submission's size
  // (Admit). The hashes are checked either way.
  ASSIGN_OR_RETURN(std::vector<analysis::ReferenceFile> carried,
                   ReferencesFromWire(plan.references(), std::numeric_limits<size_t>::max()));
  session->references =
      analysis::ReferenceData("site " + name(), std::move(carried), options_.served_references, options_.served_from);
  for (const auto& wire_spec : plan.analyses()) {
    ASSIGN_OR_RETURN(auto analysis, CreateAnalysis(*session, wire_spec, request.session_id()));
    session->analyses.emplace(wire_spec.id(), std::move(analysis));
  }
  const auto& key =
      session->double_masker ? session->double_masker->channel_public_key() : session->masker->public_key();
  const std::string public_key(key.begin(), key.end());
  opened.set_x25519_public_key(public_key);
  ToWire(policy_.disclosure, opened.mutable_policy());
  if (options_.identity) {
    opened.set_key_signature(
        options_.identity->signer.Sign(KeyBindingMessage(request.session_id(), name(), public_key)));
    opened.set_certificate(options_.identity->certificate_pem);
  }
  return session;
}

StatusOr<std::unique_ptr<analysis::SiteAnalysis>> SiteNode::CreateAnalysis(Session& session,
                                                                           const v1::AnalysisSpec& wire_spec,
                                                                           const std::string& session_id) {
  const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(wire_spec.type());
  if (definition == nullptr) {
    return InvalidArgument("unknown analysis type " + QuoteForMessage(wire_spec.type()));
  }
  RETURN_IF_ERROR(policy_.access.CheckAnalysis(name(), wire_spec.type()));
  analysis::Json keys = analysis::Json::parse(wire_spec.spec_json(), nullptr, /*allow_exceptions=*/false);
  if (keys.is_discarded() || !keys.is_object()) {
    return InvalidArgument("analysis " + wire_spec.id() + ": malformed specification");
  }
  analysis::AnalysisSpec spec(wire_spec.id(), wire_spec.type(), std::move(keys));
  analysis::SiteContext context{*data_, policy_.disclosure, policy_.access, session.references, session_id};
  return definition->create_site(spec, context);
}

Status SiteNode::AcceptKeys(Session& session, const v1::KeyDirectory& keys) {
  std::vector<crypto::Participant> participants;
  for (const auto& entry : keys.keys()) {
    if (entry.x25519_public_key().size() != 32) {
      return InvalidArgument("public key of site " + entry.site() + " is not 32 bytes");
    }
    if (options_.identity) {
      // Each key must be signed by the site it is listed for, certified by this network's CA.
      auto party = crypto::VerifyCertificate(entry.certificate(), options_.identity->authority_pem);
      if (!party.ok() || party->role != crypto::PartyRole::kSite || party->name != entry.site()) {
        return PermissionDenied("the key directory's entry for site " + entry.site() +
                                " has no valid site certificate for that name; refusing the session");
      }
      Status signed_by_site = crypto::VerifySignature(
          entry.certificate(), KeyBindingMessage(session.plan.session_id(), entry.site(), entry.x25519_public_key()),
          entry.key_signature());
      if (!signed_by_site.ok()) {
        return PermissionDenied("the session key listed for site " + entry.site() +
                                " is not signed by that site; refusing the session");
      }
    }
    crypto::Participant participant;
    participant.name = entry.site();
    std::copy(entry.x25519_public_key().begin(), entry.x25519_public_key().end(), participant.public_key.begin());
    participants.push_back(std::move(participant));
  }
  if (session.double_masker) {
    // Dropout-tolerant: the sites of the plan that opened the session, at least the threshold
    // (DoubleMasker::Agree checks the count and that the threshold is a majority of the plan).
    std::set<std::string> planned(session.plan.sites().begin(), session.plan.sites().end());
    for (const auto& participant : participants) {
      if (!planned.count(participant.name)) {
        return InvalidArgument("the key directory lists site " + participant.name + ", which the study does not");
      }
    }
    RETURN_IF_ERROR(session.double_masker->Agree(std::move(participants), session.plan.sites_size()));
    session.keys_agreed = true;
    return absl::OkStatus();
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

StatusOr<v1::RoundReply> SiteNode::Round(Session& session, uint64_t sequence, const v1::RoundRequest& round) {
  if (!session.keys_agreed) return FailedPrecondition("keys have not been agreed for this session");
  auto found = session.analyses.find(round.analysis_id());
  if (found == session.analyses.end()) {
    return NotFound("the study has no analysis " + QuoteForMessage(round.analysis_id()));
  }
  crypto::DoubleMasker* double_masker = session.double_masker.get();
  if (double_masker) {
    // The participants' material, made in answering the same message as this site's own.
    if (round.participants_size() > session.plan.sites_size() || round.shares_size() > session.plan.sites_size()) {
      return InvalidArgument("the round lists more participants than the study has sites");
    }
    for (const auto& [from, sealed] : round.shares()) {
      RETURN_IF_ERROR(double_masker->Receive(from, double_masker->material_tag(), sealed));
    }
    // The hub restarts an analysis from its first round when a site dropped out of it.
    auto last = session.last_round.find(round.analysis_id());
    if (round.round() == 1 && last != session.last_round.end()) {
      for (const auto& wire_spec : session.plan.analyses()) {
        if (wire_spec.id() != round.analysis_id()) continue;
        ASSIGN_OR_RETURN(found->second, CreateAnalysis(session, wire_spec, session.plan.session_id()));
      }
    }
  }
  session.last_round[round.analysis_id()] = round.round();
  ASSIGN_OR_RETURN(analysis::Contribution contribution, found->second->Local(FromWire(round.parameters())));
  v1::RoundReply reply;
  if (!contribution.refusal) {
    if (!options_.releases) return ResourceExhausted("the site's release store could not be opened");
    ASSIGN_OR_RETURN(
        std::optional<analysis::Refusal> refusal,
        guard_->Admit(session.researcher, "study " + session.plan.session_id() + " analysis " + round.analysis_id(),
                      session.plan.sites_size(), contribution));
    contribution.refusal = std::move(refusal);
  }
  if (contribution.refusal) {
    reply.mutable_refusal()->set_rule(contribution.refusal->rule);
    reply.mutable_refusal()->set_reason(contribution.refusal->reason);
  } else {
    ASSIGN_OR_RETURN(std::vector<crypto::RingElement> encoded, crypto::EncodeFixedPoint(contribution.values));
    std::vector<crypto::RingElement> masked;
    if (double_masker) {
      std::vector<std::string> participants(round.participants().begin(), round.participants().end());
      ASSIGN_OR_RETURN(masked, double_masker->Mask(encoded, sequence, participants));
    } else {
      ASSIGN_OR_RETURN(masked, session.masker->Mask(encoded, sequence));
    }
    auto* wire = reply.mutable_contribution();
    wire->set_masked(crypto::SerializeRing(masked));
    for (const auto& [key, values] : contribution.disclosed) {
      auto& texts = (*wire->mutable_disclosed())[key];
      for (const auto& value : values) texts.add_values(value);
    }
  }
  if (double_masker) {
    // Fresh material whatever the outcome: what this round used is spent either way.
    ASSIGN_OR_RETURN(crypto::MaskMaterial material, double_masker->NewMaterial(sequence));
    ToWire(material, reply.mutable_material());
  }
  return reply;
}

StatusOr<v1::UnmaskReply> SiteNode::Unmask(Session& session, uint64_t sequence, const v1::UnmaskRequest& unmask) {
  if (!session.double_masker) {
    return FailedPrecondition("this session masks pairwise (on_dropout = \"abort\"); there is nothing to unmask");
  }
  if (unmask.survivors_size() + unmask.dropped_size() > session.plan.sites_size()) {
    return InvalidArgument("the unmask request lists more sites than the study has");
  }
  std::vector<std::string> survivors(unmask.survivors().begin(), unmask.survivors().end());
  std::vector<std::string> dropped(unmask.dropped().begin(), unmask.dropped().end());
  ASSIGN_OR_RETURN(crypto::RevealedShares revealed,
                   session.double_masker->Unmask(unmask.round_sequence(), survivors, dropped));
  v1::UnmaskReply reply;
  ToWire(revealed, &reply);
  ASSIGN_OR_RETURN(crypto::MaskMaterial material, session.double_masker->NewMaterial(sequence));
  ToWire(material, reply.mutable_material());
  return reply;
}

}  // namespace medfed::federation
