#include "medfed/net/study_scheduler.h"

#include <cstdio>
#include <filesystem>
#include <utility>
#include <vector>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/federation/coordinator.h"
#include "medfed/federation/wire.h"
#include "medfed/net/link_transport.h"
#include "medfed/net/submission.h"

namespace medfed::net {
namespace {

v1::StudyEvent Event(const std::string& study_id) {
  v1::StudyEvent event;
  event.set_study_id(study_id);
  return event;
}

std::string JoinSites(const std::vector<std::string>& sites) {
  std::string text;
  for (const auto& site : sites) text += (text.empty() ? "" : ", ") + site;
  return text;
}

}  // namespace

StudyScheduler::StudyScheduler(const HubConfig& config, const NetworkIdentity& identity,
                               governance::StudyStore& studies, SiteDirectory& sites, LedgerReplicator& ledger,
                               std::shared_ptr<ReferenceDirectory> references)
    : config_(config),
      identity_(identity),
      studies_(studies),
      sites_(sites),
      ledger_(ledger),
      references_(std::move(references)) {}

analysis::ReferenceData StudyScheduler::HubReferences(std::vector<analysis::ReferenceFile> carried) const {
  return analysis::ReferenceData("the hub", std::move(carried), references_ ? references_->Lookup() : nullptr,
                                 config_.references);
}

StudyScheduler::~StudyScheduler() { Stop(); }

void StudyScheduler::Start() {
  loop_ = std::thread([this] { Loop(); });
}

void StudyScheduler::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (loop_.joinable()) loop_.join();
}

bool StudyScheduler::AwaitIdle(absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  return mutex_.AwaitWithTimeout(absl::Condition(this, &StudyScheduler::Idle), timeout);
}

void StudyScheduler::Wake() {
  absl::MutexLock lock(&mutex_);
  wake_ = true;
}

StatusOr<std::string> StudyScheduler::Submit(const v1::SubmitRequest& request, const Caller& caller) {
  ASSIGN_OR_RETURN(VerifiedSubmission verified, VerifySubmission(request.submission(), request.signature(),
                                                                 caller.certificate_pem, identity_.authority_pem));
  ASSIGN_OR_RETURN(auto existing, studies_.Get(verified.id));
  if (existing) return verified.id;  // the same signed submission again: follow it
  // The hub halves need their reference data; refuse now rather than after every approval.
  RETURN_IF_ERROR(CheckReferences(verified.submission, HubReferences(verified.references), ReferenceReader::kHub));
  governance::StudyRecord study;
  study.id = verified.id;
  study.researcher = verified.researcher;
  study.submission = request.submission();
  study.submission_signature = request.signature();
  study.researcher_certificate = caller.certificate_pem;
  std::vector<std::string> sites(verified.submission.sites().begin(), verified.submission.sites().end());
  for (const auto& site : sites) study.decisions[site] = "pending";
  RETURN_IF_ERROR(studies_.Add(study));
  nlohmann::ordered_json analyses = nlohmann::ordered_json::array();
  for (const auto& analysis : verified.submission.analyses()) {
    analyses.push_back({{"id", analysis.id()},
                        {"type", analysis.type()},
                        {"keys", nlohmann::ordered_json::parse(analysis.spec_json(), nullptr, false)}});
  }
  // The content the study carries, by name, size and hash (the analyses' keys name the hashes).
  nlohmann::ordered_json references = nlohmann::ordered_json::array();
  for (const auto& file : verified.references) {
    references.push_back({{"name", file.name}, {"bytes", file.content->size()}, {"sha256", file.sha256}});
  }
  ledger_.Record({{"type", "submission"},
                  {"study", study.id},
                  {"researcher", study.researcher},
                  {"study_name", verified.submission.study_name()},
                  {"sites", sites},
                  {"analyses", analyses},
                  {"references", references},
                  {"digest", verified.digest}});
  LogLine("hub", "study " + study.id + " submitted by " + study.researcher + " for " + JoinSites(sites));
  v1::StudyEvent accepted = Event(study.id);
  accepted.set_accepted("study " + study.id + " recorded; waiting for approval by " + JoinSites(sites));
  board_.Channel(study.id)->Publish(accepted);
  for (const auto& site : sites) {
    if (auto link = sites_.Get(site)) SendReviews(link);
  }
  return study.id;
}

void StudyScheduler::SendReviews(const std::shared_ptr<SiteLink>& link) {
  auto awaiting = studies_.WithState(governance::StudyState::kAwaitingApproval);
  if (!awaiting.ok()) return;
  for (const auto& study : *awaiting) {
    auto decision = study.decisions.find(link->site());
    if (decision == study.decisions.end() || decision->second != "pending") continue;
    v1::HubToSite message;
    v1::ReviewRequest* review = message.mutable_review();
    review->set_study_id(study.id);
    review->set_submission(study.submission);
    review->set_submission_signature(study.submission_signature);
    review->set_researcher_certificate(study.researcher_certificate);
    (void)link->Send(message);
  }
}

Status StudyScheduler::SaveAndPublish(governance::StudyRecord& study, v1::StudyEvent event, bool finished) {
  Status saved = studies_.Save(study);
  if (!saved.ok()) LogLine("hub", "cannot save study " + study.id + ": " + MessageOf(saved));
  auto channel = board_.Channel(study.id);
  if (event.body_case() != v1::StudyEvent::BODY_NOT_SET) channel->Publish(std::move(event));
  if (finished) channel->Finish();
  return saved;
}

void StudyScheduler::OnResolution(const std::string& site, const v1::HandleResolution& resolution) {
  auto loaded = studies_.Get(resolution.study_id());
  if (!loaded.ok() || !loaded->has_value() || !(*loaded)->decisions.count(site)) {
    LogLine("hub", "site " + site + " resolved a handle of study " + resolution.study_id().substr(0, 64) +
                       ", which is not one of its studies; ignored");
    return;
  }
  // Bounded: a site's report goes into every site's ledger.
  ledger_.Record({{"type", "resolution"},
                  {"study", resolution.study_id()},
                  {"site", site},
                  {"handle", resolution.handle().substr(0, 64)},
                  {"by", resolution.resolved_by().substr(0, 200)},
                  {"reason", resolution.reason().substr(0, 2000)}});
  LogLine("hub", "site " + site + " resolved a handle of study " + resolution.study_id());
}

void StudyScheduler::OnDecision(const std::string& site, const v1::ReviewDecision& decision) {
  absl::MutexLock serialised(&decision_mutex_);
  auto loaded = studies_.Get(decision.study_id());
  if (!loaded.ok() || !loaded->has_value()) {
    LogLine("hub", "site " + site + " decided on unknown study " + decision.study_id() + "; ignored");
    return;
  }
  governance::StudyRecord study = **loaded;
  auto slot = study.decisions.find(site);
  if (slot == study.decisions.end()) {
    LogLine("hub", "site " + site + " decided on study " + study.id + ", which does not include it; ignored");
    return;
  }
  if (slot->second != "pending" || study.state != governance::StudyState::kAwaitingApproval) return;  // repeated
  slot->second = decision.approved() ? "approved" : "denied: " + decision.reason();
  ledger_.Record({{"type", decision.approved() ? "approval" : "denial"},
                  {"study", study.id},
                  {"site", site},
                  {"by", decision.decided_by()},
                  {"reason", decision.reason()}});
  LogLine("hub", "site " + site + (decision.approved() ? " approved" : " denied") + " study " + study.id +
                     (decision.reason().empty() ? "" : ": " + decision.reason()));
  v1::StudyEvent event = Event(study.id);
  event.mutable_decision()->set_site(site);
  event.mutable_decision()->set_decision(decision.approved() ? "approved" : "denied");
  event.mutable_decision()->set_reason(decision.reason());
  if (!decision.approved()) {
    study.state = governance::StudyState::kDenied;
    study.error = "site " + site + " denied the study (" + decision.decided_by() + "): " + decision.reason();
    (void)SaveAndPublish(study, event, false);
    v1::StudyEvent denied = Event(study.id);
    denied.set_denied(study.error);
    (void)SaveAndPublish(study, denied, true);
    return;
  }
  bool all = true;
  for (const auto& [name, state] : study.decisions) all = all && state == "approved";
  if (all) study.state = governance::StudyState::kReady;
  (void)SaveAndPublish(study, event, false);
  if (all) {
    v1::StudyEvent queued = Event(study.id);
    queued.set_progress("approved by every site; queued to run");
    (void)SaveAndPublish(study, queued, false);
    Wake();
  }
}

void StudyScheduler::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(absl::Condition(this, &StudyScheduler::Woken), absl::Seconds(1));
      wake_ = false;
    }
    if (stopping_) return;
    auto ready = studies_.WithState(governance::StudyState::kReady);
    if (!ready.ok()) continue;
    for (auto& study : *ready) {
      if (!TryStart(std::move(study))) break;
    }
  }
}

bool StudyScheduler::TryStart(governance::StudyRecord study) {
  std::vector<std::string> missing;
  for (const auto& [site, decision] : study.decisions) {
    if (!sites_.Get(site)) missing.push_back(site);
  }
  // A study that carries on without silent sites (on_dropout = "continue") starts without the
  // missing ones once the wait is over, if the sites that are there reach its threshold.
  bool enough_without_missing = false;
  if (!missing.empty()) {
    v1::Submission submission;
    if (submission.ParseFromString(study.submission) && submission.on_dropout() == "continue") {
      const int planned = submission.sites_size();
      const int threshold = crypto::DropoutThresholdFor(planned, static_cast<int>(submission.dropout_threshold()));
      enough_without_missing = planned - static_cast<int>(missing.size()) >= threshold;
    }
  }
  const auto now = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point since;
  bool first_wait = false;
  bool start = missing.empty();
  {
    absl::MutexLock lock(&mutex_);
    if (running_.count(study.id)) return true;
    if (static_cast<int>(running_.size()) >= config_.max_concurrent_studies) return false;
    if (missing.empty()) {
      waiting_since_.erase(study.id);
      running_.insert(study.id);
    } else {
      auto [slot, inserted] = waiting_since_.emplace(study.id, now);
      since = slot->second;
      first_wait = inserted;
      if (now - since > std::chrono::seconds(config_.round_timeout_seconds)) {
        waiting_since_.erase(slot);
        if (enough_without_missing) {
          running_.insert(study.id);
          start = true;
        }
      }
    }
  }
  if (start) {
    std::thread([this, study = std::move(study)]() mutable { Run(std::move(study)); }).detach();
    return true;
  }
  // Wait for the sites to connect, up to a round's timeout, then fail naming them.
  if (first_wait) {
    v1::StudyEvent waiting = Event(study.id);
    waiting.set_progress("waiting for site " + JoinSites(missing) + " to connect to the hub");
    board_.Channel(study.id)->Publish(waiting);
  }
  if (now - since > std::chrono::seconds(config_.round_timeout_seconds)) {
    study.state = governance::StudyState::kFailed;
    study.error = "site " + JoinSites(missing) + " is not connected to the hub (waited " +
                  std::to_string(config_.round_timeout_seconds) + " s); run the study again when it is";
    ledger_.Record({{"type", "failure"}, {"study", study.id}, {"reason", study.error}});
    v1::StudyEvent failed = Event(study.id);
    failed.set_failed(study.error);
    (void)SaveAndPublish(study, failed, true);
  }
  return true;
}

void StudyScheduler::Run(governance::StudyRecord study) {
  study.state = governance::StudyState::kRunning;
  v1::StudyEvent running = Event(study.id);
  running.set_progress("running");
  (void)SaveAndPublish(study, running, false);
  ledger_.Record({{"type", "start"}, {"study", study.id}});
  v1::Submission submission;
  submission.ParseFromString(study.submission);
  std::vector<std::string> sites(submission.sites().begin(), submission.sites().end());
  auto analyses = AnalysesOf(submission);
  auto carried = federation::ReferencesFromWire(submission.references(), analysis::kMaxCarriedReferenceBytes);
  Status outcome = analyses.ok() ? carried.status() : analyses.status();
  StatusOr<analysis::Json> document = Internal("the study did not run");
  if (outcome.ok()) {
    const std::string directory = StudyDirectory(study.id);
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);  // a rerun after a restart starts clean
    outcome = MakeDirectories(directory);
    if (outcome.ok()) {
      LinkTransport transport(sites_, sites);
      federation::CoordinatorOptions options;
      options.round_timeout = std::chrono::seconds(config_.round_timeout_seconds);
      options.output_directory = directory;
      options.session_id = study.id;
      options.submission = study.submission;
      options.submission_signature = study.submission_signature;
      options.researcher_certificate = study.researcher_certificate;
      options.references = *carried;
      options.on_dropout = submission.on_dropout().empty() ? "abort" : submission.on_dropout();
      options.dropout_threshold = static_cast<int>(submission.dropout_threshold());
      if (references_) options.served_references = references_->Lookup();
      options.served_from = config_.references;
      options.observer = [&](const analysis::Json& event) {
        nlohmann::ordered_json entry = {{"type", event["event"]}, {"study", study.id}};
        for (const auto& [key, value] : event.items()) {
          // Timings and sizes are operational, not governance: the log has them, the ledger not.
          if (key != "event" && key != "exchange_seconds" && key != "masked_bytes_per_site") entry[key] = value;
        }
        ledger_.Record(entry);
        if (event["event"] == "round") {
          char seconds[32];
          std::snprintf(seconds, sizeof seconds, "%.6f", event["exchange_seconds"].get<double>());
          LogLine("hub", "study " + study.id + " analysis " + event["analysis"].get<std::string>() + " round " +
                             std::to_string(event["round"].get<int>()) + ": " +
                             std::to_string(event["masked_bytes_per_site"].get<size_t>()) +
                             " masked bytes per site, exchanged in " + seconds + " s");
        }
        if (event["event"] == "release") {
          v1::StudyEvent progress = Event(study.id);
          progress.set_progress("analysis " + event["analysis"].get<std::string>() + ": " +
                                event["status"].get<std::string>());
          board_.Channel(study.id)->Publish(progress);
        }
      };
      federation::Coordinator coordinator(transport, options);
      document = coordinator.Run(submission.study_name(), *analyses);
      outcome = document.status();
    }
  }
  if (outcome.ok()) {
    study.state = governance::StudyState::kDone;
    study.result_json = document->dump();
    ledger_.Record({{"type", "completion"}, {"study", study.id}});
    LogLine("hub", "study " + study.id + " done");
    (void)SaveAndPublish(study, v1::StudyEvent(), true);
  } else {
    study.state = governance::StudyState::kFailed;
    study.error = MessageOf(outcome);
    ledger_.Record({{"type", "failure"}, {"study", study.id}, {"reason", study.error}});
    LogLine("hub", "study " + study.id + " failed: " + study.error);
    v1::StudyEvent failed = Event(study.id);
    failed.set_failed(study.error);
    (void)SaveAndPublish(study, failed, true);
  }
  absl::MutexLock lock(&mutex_);
  running_.erase(study.id);
  wake_ = true;
}

std::shared_ptr<StudyChannel> StudyScheduler::ChannelFor(const governance::StudyRecord& study) {
  bool created = false;
  auto channel = board_.Channel(study.id, &created);
  if (!created) return channel;
  // A study from before a restart: its story so far, from the store.
  v1::StudyEvent accepted = Event(study.id);
  accepted.set_accepted("study " + study.id + " (" + governance::StudyStateName(study.state) + ")");
  channel->Publish(accepted);
  for (const auto& [site, decision] : study.decisions) {
    v1::StudyEvent event = Event(study.id);
    event.mutable_decision()->set_site(site);
    event.mutable_decision()->set_decision(decision.rfind("denied", 0) == 0 ? "denied" : decision);
    channel->Publish(event);
  }
  if (study.state == governance::StudyState::kFailed || study.state == governance::StudyState::kDenied) {
    v1::StudyEvent ended = Event(study.id);
    if (study.state == governance::StudyState::kFailed) {
      ended.set_failed(study.error);
    } else {
      ended.set_denied(study.error);
    }
    channel->Publish(ended);
  }
  if (study.state == governance::StudyState::kDone || study.state == governance::StudyState::kFailed ||
      study.state == governance::StudyState::kDenied) {
    channel->Finish();
  }
  return channel;
}

std::string StudyScheduler::StudyDirectory(const std::string& study_id) const {
  return config_.state + "/studies/" + study_id;
}

}  // namespace medfed::net
