#include "medfed/net/site_agent.h"

#include "medfed/analysis/engine/registry.h"
#include "medfed/core/log.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/governance/policy_file.h"
#include "medfed/net/contact_request.h"
#include "medfed/net/framing.h"
#include "medfed/net/matched_patient.h"
#include "medfed/net/submission.h"

namespace medfed::net {
namespace {

constexpr int kWorkers = 4;

}  // namespace

StatusOr<std::unique_ptr<SiteAgent>> SiteAgent::Create(const SiteDaemonConfig& config) {
  std::unique_ptr<SiteAgent> agent(new SiteAgent(config));
  ASSIGN_OR_RETURN(agent->identity_, LoadIdentity(config.identity, crypto::PartyRole::kSite));
  if (agent->identity_.party.name != config.name) {
    return PermissionDenied(config.path + ": name is " + config.name + " but the certificate in " + config.identity +
                            " is for " + agent->identity_.party.name);
  }
  privacy::SitePolicy policy;
  if (!config.policy.empty()) {
    auto loaded = governance::LoadPolicyFile(config.policy);
    if (!loaded.ok()) return loaded.status();
    policy = *std::move(loaded);
  }
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(agent->identity_.key));
  agent->site_identity_ = std::make_shared<federation::SiteIdentity>(
      federation::SiteIdentity{std::move(signer), agent->identity_.certificate_pem, agent->identity_.authority_pem});
  ASSIGN_OR_RETURN(agent->database_, governance::SqliteDatabase::Open(config.state + "/medfed.db"));
  ASSIGN_OR_RETURN(agent->ledger_, governance::Ledger::Open(*agent->database_));
  ASSIGN_OR_RETURN(agent->approvals_, governance::ApprovalBook::Open(*agent->database_));
  ASSIGN_OR_RETURN(agent->resolutions_, governance::ResolutionBook::Open(*agent->database_));
  ASSIGN_OR_RETURN(agent->contacts_, governance::ContactBook::Open(*agent->database_));
  RETURN_IF_ERROR(agent->ledger_->SetMeta("role", "site"));
  RETURN_IF_ERROR(agent->ledger_->SetMeta("site", config.name));
  RETURN_IF_ERROR(agent->ledger_->SetMeta("authority_certificate", agent->identity_.authority_pem));
  {
    absl::MutexLock lock(&agent->stream_mutex_);  // no other thread yet; the lock keeps the rule simple
    agent->hub_certificate_ = agent->ledger_->Meta("hub_certificate").value_or("");
  }
  agent->data_ = std::make_shared<analysis::SiteData>(config.name, config.tables, config.genotypes);
  agent->data_->set_state_directory(config.state);
  federation::SiteNodeOptions options;
  if (!config.references.empty()) {
    ASSIGN_OR_RETURN(agent->references_, ReferenceDirectory::Open(config.references));
    options.served_references = agent->references_->Lookup();
    options.served_from = config.references;
    LogLine("site " + config.name,
            "serves " + std::to_string(agent->references_->size()) + " reference files from " + config.references);
  }
  options.identity = agent->site_identity_;
  options.admit = [raw = agent.get()](const v1::StudyPlan& plan) { return raw->Admit(plan); };
  ASSIGN_OR_RETURN(auto releases, governance::ReleaseStore::Open(config.state + "/releases.db"));
  options.releases = std::shared_ptr<governance::ReleaseStore>(std::move(releases));
  agent->node_ = std::make_unique<federation::SiteNode>(agent->data_, std::move(policy), std::move(options));
  for (int i = 0; i < kWorkers; ++i) agent->workers_.emplace_back([raw = agent.get()] { raw->WorkerLoop(); });
  agent->decisions_ = std::thread([raw = agent.get()] {
    while (!raw->stopping_) {
      raw->ReportDecisions();
      for (int i = 0; i < 5 && !raw->stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  return agent;
}

SiteAgent::~SiteAgent() {
  Stop();
  for (auto& worker : workers_) worker.join();
  if (decisions_.joinable()) decisions_.join();
}

void SiteAgent::Stop() {
  stopping_ = true;
  absl::MutexLock lock(&stream_mutex_);
  if (context_ != nullptr) context_->TryCancel();
  absl::MutexLock work(&work_mutex_);  // its release wakes the workers to see stopping_
}

void SiteAgent::Run() {
  int backoff_seconds = 1;
  while (!stopping_) {
    const auto started = std::chrono::steady_clock::now();
    Status ended = Serve();
    if (stopping_) break;
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(10)) backoff_seconds = 1;
    LogLine("site " + config_.name, "connection to the hub at " + config_.hub + " ended (" + MessageOf(ended) +
                                        "); retrying in " + std::to_string(backoff_seconds) + " s");
    for (int i = 0; i < backoff_seconds * 10 && !stopping_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backoff_seconds = std::min(backoff_seconds * 2, 5);
  }
}

Status SiteAgent::Serve() {
  auto channel = grpc::CreateCustomChannel(config_.hub, MutualTlsChannelCredentials(identity_),
                                           ChannelArgumentsFor(kGrpcMessageBytes));
  auto stub = v1::Hub::NewStub(channel);
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream = stub->Connect(&context);
  {
    absl::MutexLock lock(&stream_mutex_);
    if (stopping_) return Cancelled("stopping");
    stream_ = stream.get();
    context_ = &context;
  }
  v1::SiteToHub hello;
  hello.mutable_hello()->set_ledger_size(ledger_->size());
  Status greeted = Send(hello);
  FrameAssembler assembler(static_cast<size_t>(config_.max_message_mb) << 20);
  v1::Frame frame;
  Status failure = absl::OkStatus();
  bool announced = false;
  while (greeted.ok() && stream->Read(&frame)) {
    if (!announced) {
      LogLine("site " + config_.name, "connected to the hub at " + config_.hub);
      announced = true;
    }
    v1::HubToSite message;
    auto complete = assembler.Add(frame, message);
    if (!complete.ok()) {
      failure = complete.status();
      LogLine("site " + config_.name, "from the hub: " + MessageOf(failure) + "; closing the connection");
      context.TryCancel();
      break;
    }
    if (!*complete) continue;
    switch (message.body_case()) {
      case v1::HubToSite::kHello:
        HandleHello(message.hello());
        break;
      case v1::HubToSite::kRequest: {
        absl::MutexLock lock(&work_mutex_);
        work_.push_back(std::move(*message.mutable_request()));
        break;
      }
      case v1::HubToSite::kReview:
        HandleReview(message.review());
        break;
      case v1::HubToSite::kLedger:
        HandleLedger(message.ledger());
        break;
      case v1::HubToSite::kContact:
        HandleContact(message.contact());
        break;
      default:
        LogLine("site " + config_.name, "the hub sent an empty message; ignored");
    }
  }
  grpc::Status finished = stream->Finish();
  {
    absl::MutexLock lock(&stream_mutex_);
    stream_ = nullptr;
    context_ = nullptr;
  }
  // The sessions and queued requests belonged to this connection's hub; a hub that comes back
  // (restarted, or the same one after a network fault) opens its studies afresh.
  {
    absl::MutexLock lock(&work_mutex_);
    work_.clear();
  }
  node_->CloseAllSessions();
  if (!failure.ok()) return failure;
  if (!greeted.ok()) return greeted;
  return Unavailable(finished.ok() ? "the hub closed the stream" : finished.error_message());
}

Status SiteAgent::Send(const v1::SiteToHub& message) {
  absl::MutexLock lock(&stream_mutex_);
  if (stream_ == nullptr) return Unavailable("not connected to the hub");
  for (const v1::Frame& frame : SplitIntoFrames(message, next_message_id_++)) {
    if (!stream_->Write(frame)) return Unavailable("the connection to the hub was lost");
  }
  return absl::OkStatus();
}

void SiteAgent::WorkerLoop() {
  while (true) {
    v1::SiteRequest request;
    {
      absl::MutexLock lock(&work_mutex_);
      work_mutex_.Await(absl::Condition(this, &SiteAgent::HasWork));
      if (stopping_) return;
      request = std::move(work_.front());
      work_.pop_front();
    }
    v1::SiteToHub reply;
    *reply.mutable_response() = node_->Handle(request);
    if (reply.response().has_error()) {
      LogLine("site " + config_.name, "study " + request.session_id() + ": " + reply.response().error().message());
    }
    (void)Send(reply);
  }
}

void SiteAgent::HandleHello(const v1::HubHello& hello) {
  auto party = crypto::VerifyCertificate(hello.hub_certificate(), identity_.authority_pem);
  if (!party.ok() || party->role != crypto::PartyRole::kHub) {
    LogLine("site " + config_.name, "the hub's certificate is not a hub certificate of this network; ignored");
    return;
  }
  absl::MutexLock lock(&stream_mutex_);
  hub_certificate_ = hello.hub_certificate();
  (void)ledger_->SetMeta("hub_certificate", hub_certificate_);
}

std::string SiteAgent::PolicyRefusal(const VerifiedSubmission& verified) const {
  const std::string& researcher = verified.researcher;
  const v1::Submission& submission = verified.submission;
  const privacy::AccessPolicy& access = node_->policy().access;
  Status allowed = access.CheckResearcher(config_.name, researcher);
  if (!allowed.ok()) return MessageOf(allowed);
  bool listed = false;
  for (const auto& site : submission.sites()) listed = listed || site == config_.name;
  if (!listed) return "the study does not list site " + config_.name;
  for (const auto& analysis : submission.analyses()) {
    allowed = access.CheckAnalysis(config_.name, analysis.type());
    if (!allowed.ok()) return MessageOf(allowed);
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(analysis.type());
    analysis::Json keys = analysis::Json::parse(analysis.spec_json(), nullptr, false);
    if (definition == nullptr || !keys.is_object()) return "analysis " + analysis.id() + " is malformed";
    for (const auto& key : definition->keys) {
      if (!keys.contains(key.name)) continue;
      const bool table_key = key.name == "table" || key.name == "population";
      const bool genotype_key = key.name == "genotypes";
      if ((!table_key && !genotype_key) || !keys[key.name].is_string()) continue;
      const std::string name = keys[key.name].get<std::string>();
      allowed = access.CheckTable(config_.name, name);
      if (!allowed.ok()) return MessageOf(allowed);
      const auto& served = genotype_key ? data_->genotype_paths() : data_->table_paths();
      if (!served.count(name)) {
        return "site " + config_.name + " has no " + (genotype_key ? "genotype set " : "table ") + name;
      }
    }
  }
  // Reference data the site's halves read: carried in the study (checked with the signature), or
  // in this site's directory.
  const analysis::ReferenceData references("site " + config_.name, verified.references,
                                           references_ ? references_->Lookup() : nullptr, config_.references);
  allowed = CheckReferences(submission, references, ReferenceReader::kSite);
  if (!allowed.ok()) return MessageOf(allowed);
  return "";
}

void SiteAgent::HandleReview(const v1::ReviewRequest& review) {
  auto verified = VerifySubmission(review.submission(), review.submission_signature(), review.researcher_certificate(),
                                   identity_.authority_pem);
  std::string refusal;
  governance::ApprovalRecord study;
  study.study_id = review.study_id();
  if (!verified.ok()) {
    refusal = "the study's signature or contents do not check out: " + MessageOf(verified.status());
    study.researcher = "unknown";
    study.study_name = "?";
    study.plan_digest = SubmissionDigest(review.submission());
  } else {
    if (verified->id != review.study_id()) refusal = "the study id does not match its submission";
    if (refusal.empty()) refusal = PolicyRefusal(*verified);
    study.researcher = verified->researcher;
    study.study_name = verified->submission.study_name();
    study.plan_digest = verified->digest;
    study.summary = DescribeSubmission(verified->submission);
  }
  auto record = approvals_->Receive(study, refusal, !node_->policy().access.manual_approval);
  if (!record.ok()) {
    LogLine("site " + config_.name, "study " + review.study_id() + ": " + MessageOf(record.status()));
    return;
  }
  if (record->state == governance::ApprovalState::kPending) {
    LogLine("site " + config_.name, "study " + record->study_id + " from " + record->researcher +
                                        " awaits approval: medfed site approvals --config " + config_.path + " show " +
                                        record->study_id);
    return;
  }
  if (!refusal.empty()) LogLine("site " + config_.name, "denied study " + record->study_id + ": " + refusal);
  // Decided (now, or before a reconnection): tell the hub, again if need be.
  v1::SiteToHub message;
  v1::ReviewDecision* decision = message.mutable_decision();
  decision->set_study_id(record->study_id);
  decision->set_approved(record->state == governance::ApprovalState::kApproved);
  decision->set_reason(record->reason);
  decision->set_decided_by(record->decided_by);
  if (Send(message).ok()) (void)approvals_->MarkReported(record->study_id);
}

void SiteAgent::ReportDecisions() {
  auto decided = approvals_->DecidedUnreported();
  if (!decided.ok()) return;
  for (const auto& record : *decided) {
    v1::SiteToHub message;
    v1::ReviewDecision* decision = message.mutable_decision();
    decision->set_study_id(record.study_id);
    decision->set_approved(record.state == governance::ApprovalState::kApproved);
    decision->set_reason(record.reason);
    decision->set_decided_by(record.decided_by);
    if (!Send(message).ok()) return;  // not connected: next time
    (void)approvals_->MarkReported(record.study_id);
  }
  // Handle resolutions by the site's stewards, for the ledger.
  auto resolved = resolutions_->Unreported();
  if (!resolved.ok()) return;
  for (const auto& resolution : *resolved) {
    v1::SiteToHub message;
    v1::HandleResolution* report = message.mutable_resolution();
    report->set_study_id(resolution.study_id);
    report->set_handle(resolution.handle);
    report->set_resolved_by(resolution.resolved_by);
    report->set_reason(resolution.reason);
    if (!Send(message).ok()) return;
    (void)resolutions_->MarkReported(resolution.id);
  }
  // Contact requests the steward decided.
  auto answered = contacts_->DecidedUnreported();
  if (!answered.ok()) return;
  for (const auto& record : *answered) {
    if (!ReportContact(record).ok()) return;
  }
}

void SiteAgent::HandleContact(const v1::ContactReview& review) {
  auto verified =
      VerifyContactRequest(review.signed_request(), review.researcher_certificate(), identity_.authority_pem);
  if (!verified.ok()) {
    LogLine("site " + config_.name,
            "refused contact request " + review.request_id().substr(0, 64) + ": " + MessageOf(verified.status()));
    return;  // nothing trustworthy to record or answer
  }
  const v1::ContactRequest& request = verified->request;
  governance::ContactRecord record =
      ContactRecordOf(*verified, review.signed_request(), review.researcher_certificate());
  record.site = config_.name;  // kept as this site's whatever it names (a misrouted one is refused below)
  auto received = contacts_->Receive(std::move(record));
  if (!received.ok()) {
    LogLine("site " + config_.name, "contact request " + verified->id + ": " + MessageOf(received.status()));
    return;
  }
  if (received->state != governance::ApprovalState::kPending) {
    (void)ReportContact(*received);  // decided before: the hub asks again because it lacks the answer
    return;
  }
  // Refusals that need no person.
  std::string refusal;
  if (request.site() != config_.name) refusal = "the request is for site " + request.site();
  if (refusal.empty()) {
    Status allowed = node_->policy().access.CheckResearcher(config_.name, verified->researcher);
    if (!allowed.ok()) refusal = MessageOf(allowed);
  }
  if (refusal.empty()) {
    auto matched = FindMatchedPatient(config_, *approvals_, *data_, request.study_id(), request.handle());
    if (!matched.ok()) refusal = MessageOf(matched.status());
  }
  if (!refusal.empty()) {
    LogLine("site " + config_.name, "denied contact request " + verified->id + ": " + refusal);
    auto decided = contacts_->Decide(verified->id, /*approve=*/false, "policy", refusal, {}, "");
    if (decided.ok()) (void)ReportContact(*decided);
    return;
  }
  LogLine("site " + config_.name, "contact request " + verified->id + " from " + verified->researcher +
                                      " awaits a steward: medfed site contacts --config " + config_.path + " show " +
                                      verified->id);
}

Status SiteAgent::ReportContact(const governance::ContactRecord& record) {
  v1::SiteToHub message;
  v1::ContactAnswer* answer = message.mutable_contact_answer();
  answer->set_request_id(record.request_id);
  answer->set_approved(record.state == governance::ApprovalState::kApproved);
  answer->set_reason(record.decision_reason);
  answer->set_decided_by(record.decided_by);
  for (const auto& field : record.released_fields) answer->add_released_fields(field);
  answer->set_sealed(record.answer);
  answer->set_site_signature(site_identity_->signer.Sign(ContactAnswerMessage(config_.name, *answer)));
  RETURN_IF_ERROR(Send(message));
  return contacts_->MarkReported(record.request_id);
}

void SiteAgent::HandleLedger(const v1::LedgerUpdate& update) {
  std::string hub_certificate;
  {
    absl::MutexLock lock(&stream_mutex_);
    hub_certificate = hub_certificate_;
  }
  v1::SiteToHub reply;
  v1::LedgerAck* ack = reply.mutable_ledger_ack();
  std::vector<governance::LedgerRecord> records;
  for (const auto& entry : update.entries()) {
    governance::LedgerRecord record;
    record.index = entry.index();
    record.body = entry.body();
    record.time_ms = entry.time_ms();
    record.leaf_hash = crypto::LeafHash(entry.body());
    if (entry.root().size() == record.root.size())
      std::copy(entry.root().begin(), entry.root().end(), record.root.begin());
    record.hub_signature = entry.hub_signature();
    records.push_back(std::move(record));
  }
  std::vector<crypto::MerkleHash> proof;
  for (const auto& node : update.consistency_proof()) {
    crypto::MerkleHash hash{};
    if (node.size() == hash.size()) std::copy(node.begin(), node.end(), hash.begin());
    proof.push_back(hash);
  }
  Status accepted = hub_certificate.empty()
                        ? FailedPrecondition("no hub certificate yet")
                        : ledger_->AcceptFromHub(update.old_size(), records, proof, hub_certificate);
  if (accepted.ok()) {
    const uint64_t size = ledger_->size();
    ack->set_size(size);
    ack->set_countersignature(
        site_identity_->signer.Sign(governance::Ledger::CountersignatureMessage(config_.name, size, ledger_->root())));
    // Kept in the site's own replica too: `audit verify` then knows this site has seen `size`
    // entries, so a replica cut short later is reported as truncated.
    Status kept = ledger_->AddCountersignature(size, config_.name, identity_.certificate_pem, ack->countersignature());
    if (!kept.ok()) LogLine("site " + config_.name, "own countersignature not kept: " + MessageOf(kept));
  } else if (accepted.code() == absl::StatusCode::kFailedPrecondition) {
    ack->set_size(ledger_->size());  // out of step: the hub resends from here
    ack->set_error(MessageOf(accepted));
    ack->set_out_of_step(true);
  } else {
    ack->set_size(update.old_size() + static_cast<uint64_t>(update.entries_size()));
    ack->set_error(MessageOf(accepted));
    if (!ledger_->Meta("alarm")) (void)ledger_->SetMeta("alarm", MessageOf(accepted));
    LogLine("site " + config_.name, "LEDGER ALARM: refused the hub's update: " + MessageOf(accepted) +
                                        "; this site takes part in no study until an administrator investigates");
  }
  (void)Send(reply);
}

Status SiteAgent::Admit(const v1::StudyPlan& plan) {
  if (auto alarm = ledger_->Meta("alarm")) {
    return PermissionDenied("its ledger replica refused the hub's history (" + *alarm +
                            "); it takes part in no study until an administrator has investigated");
  }
  auto verified = VerifySubmission(plan.submission(), plan.submission_signature(), plan.researcher_certificate(),
                                   identity_.authority_pem);
  if (!verified.ok()) return Annotate(verified.status(), "the session carries no valid signed study: ");
  if (verified->id != plan.session_id()) return PermissionDenied("the session is not the study it claims to be");
  ASSIGN_OR_RETURN(auto record, approvals_->Get(verified->id));
  if (!record || record->state != governance::ApprovalState::kApproved) {
    return PermissionDenied(
        "study " + verified->id + " is not approved here" +
        (record ? std::string(" (") + governance::ApprovalStateName(record->state) + ")" : std::string()));
  }
  if (record->plan_digest != verified->digest) return PermissionDenied("the plan differs from the one approved here");
  const std::string refusal = PolicyRefusal(*verified);
  if (!refusal.empty()) return PermissionDenied(refusal);
  const v1::Submission& submission = verified->submission;
  bool same = plan.analyses_size() == submission.analyses_size() && plan.sites_size() == submission.sites_size();
  for (int i = 0; same && i < plan.analyses_size(); ++i) {
    same = plan.analyses(i).id() == submission.analyses(i).id() &&
           plan.analyses(i).type() == submission.analyses(i).type() &&
           plan.analyses(i).spec_json() == submission.analyses(i).spec_json();
  }
  for (int i = 0; same && i < plan.sites_size(); ++i) same = plan.sites(i) == submission.sites(i);
  same = same && plan.references_size() == submission.references_size();
  for (int i = 0; same && i < plan.references_size(); ++i) {
    same = plan.references(i).sha256() == submission.references(i).sha256() &&
           plan.references(i).content() == submission.references(i).content();
  }
  if (!same) return PermissionDenied("the session's analyses, sites or reference data differ from the approved study");
  // The hub may not weaken the secure aggregation the researcher asked for (a lower threshold).
  const std::string asked = submission.on_dropout().empty() ? "abort" : submission.on_dropout();
  const std::string planned = plan.on_dropout().empty() ? "abort" : plan.on_dropout();
  const int asked_threshold =
      crypto::DropoutThresholdFor(submission.sites_size(), static_cast<int>(submission.dropout_threshold()));
  if (asked != planned || (asked == "continue" && static_cast<int>(plan.dropout_threshold()) != asked_threshold)) {
    return PermissionDenied("the session's dropout handling (" + planned + ", threshold " +
                            std::to_string(plan.dropout_threshold()) + ") differs from the approved study's (" + asked +
                            ")");
  }
  return absl::OkStatus();
}

}  // namespace medfed::net
