// The hub's study lifecycle: submission, the sites' reviews, scheduling, running with the round
// engine over the sites' streams, and following a study to its results.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "medfed/core/file.h"
#include "medfed/core/log.h"
#include "medfed/federation/coordinator.h"
#include "medfed/net/hub_server.h"
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

StatusOr<std::string> HubServer::Submit(const v1::SubmitRequest& request, const Caller& caller) {
  ASSIGN_OR_RETURN(VerifiedSubmission verified, VerifySubmission(request.submission(), request.signature(),
                                                                 caller.certificate_pem, identity_.authority_pem));
  ASSIGN_OR_RETURN(auto existing, studies_->Get(verified.id));
  if (existing) return verified.id;  // the same signed submission again: follow it
  StudyRecord study;
  study.id = verified.id;
  study.researcher = verified.researcher;
  study.submission = request.submission();
  study.submission_signature = request.signature();
  study.researcher_certificate = caller.certificate_pem;
  std::vector<std::string> sites(verified.submission.sites().begin(), verified.submission.sites().end());
  for (const auto& site : sites) study.decisions[site] = "pending";
  RETURN_IF_ERROR(studies_->Add(study));
  nlohmann::ordered_json analyses = nlohmann::ordered_json::array();
  for (const auto& analysis : verified.submission.analyses()) {
    analyses.push_back({{"id", analysis.id()},
                        {"type", analysis.type()},
                        {"keys", nlohmann::ordered_json::parse(analysis.spec_json(), nullptr, false)}});
  }
  Record({{"type", "submission"},
          {"study", study.id},
          {"researcher", study.researcher},
          {"study_name", verified.submission.study_name()},
          {"sites", sites},
          {"analyses", analyses},
          {"digest", verified.digest}});
  LogLine("hub", "study " + study.id + " submitted by " + study.researcher + " for " + JoinSites(sites));
  auto channel = board_.Channel(study.id);
  v1::StudyEvent accepted = Event(study.id);
  accepted.set_accepted("study " + study.id + " recorded; waiting for approval by " + JoinSites(sites));
  channel->Publish(accepted);
  for (const auto& site : sites) {
    if (auto link = sites_.Get(site)) SendReviews(link);
  }
  return study.id;
}

void HubServer::SendReviews(const std::shared_ptr<SiteLink>& link) {
  auto awaiting = studies_->WithState(StudyState::kAwaitingApproval);
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

Status HubServer::SaveAndPublish(StudyRecord& study, v1::StudyEvent event, bool finished) {
  Status saved = studies_->Save(study);
  if (!saved.ok()) LogLine("hub", "cannot save study " + study.id + ": " + MessageOf(saved));
  auto channel = board_.Channel(study.id);
  if (event.body_case() != v1::StudyEvent::BODY_NOT_SET) channel->Publish(std::move(event));
  if (finished) channel->Finish();
  return saved;
}

void HubServer::OnDecision(const std::string& site, const v1::ReviewDecision& decision) {
  std::lock_guard<std::mutex> lock(decision_mutex_);
  auto loaded = studies_->Get(decision.study_id());
  if (!loaded.ok() || !loaded->has_value()) {
    LogLine("hub", "site " + site + " decided on unknown study " + decision.study_id() + "; ignored");
    return;
  }
  StudyRecord study = **loaded;
  auto slot = study.decisions.find(site);
  if (slot == study.decisions.end()) {
    LogLine("hub", "site " + site + " decided on study " + study.id + ", which does not include it; ignored");
    return;
  }
  if (slot->second != "pending" || study.state != StudyState::kAwaitingApproval) return;  // repeated
  slot->second = decision.approved() ? "approved" : "denied: " + decision.reason();
  Record({{"type", decision.approved() ? "approval" : "denial"},
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
    study.state = StudyState::kDenied;
    study.error = "site " + site + " denied the study (" + decision.decided_by() + "): " + decision.reason();
    (void)SaveAndPublish(study, event, false);
    v1::StudyEvent denied = Event(study.id);
    denied.set_denied(study.error);
    (void)SaveAndPublish(study, denied, true);
    return;
  }
  bool all = true;
  for (const auto& [name, state] : study.decisions) all = all && state == "approved";
  if (all) study.state = StudyState::kReady;
  (void)SaveAndPublish(study, event, false);
  if (all) {
    v1::StudyEvent queued = Event(study.id);
    queued.set_progress("approved by every site; queued to run");
    (void)SaveAndPublish(study, queued, false);
    std::lock_guard<std::mutex> wake(mutex_);
    wake_scheduler_.notify_all();
  }
}

void HubServer::SchedulerLoop() {
  while (!stopping_) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_scheduler_.wait_for(lock, std::chrono::seconds(1));
    }
    if (stopping_) break;
    auto ready = studies_->WithState(StudyState::kReady);
    if (!ready.ok()) continue;
    for (auto& study : *ready) {
      std::vector<std::string> missing;
      for (const auto& [site, decision] : study.decisions) {
        if (!sites_.Get(site)) missing.push_back(site);
      }
      std::unique_lock<std::mutex> lock(mutex_);
      if (running_.count(study.id)) continue;
      if (static_cast<int>(running_.size()) >= config_.max_concurrent_studies) break;
      if (!missing.empty()) {
        // Wait for the sites to connect, up to a round's timeout, then fail naming them.
        const auto now = std::chrono::steady_clock::now();
        auto [since, first] = waiting_since_.emplace(study.id, now);
        lock.unlock();
        if (first) {
          v1::StudyEvent waiting = Event(study.id);
          waiting.set_progress("waiting for site " + JoinSites(missing) + " to connect to the hub");
          board_.Channel(study.id)->Publish(waiting);
        }
        if (now - since->second > std::chrono::seconds(config_.round_timeout_seconds)) {
          lock.lock();
          waiting_since_.erase(study.id);
          lock.unlock();
          study.state = StudyState::kFailed;
          study.error = "site " + JoinSites(missing) + " is not connected to the hub (waited " +
                        std::to_string(config_.round_timeout_seconds) + " s); run the study again when it is";
          Record({{"type", "failure"}, {"study", study.id}, {"reason", study.error}});
          v1::StudyEvent failed = Event(study.id);
          failed.set_failed(study.error);
          (void)SaveAndPublish(study, failed, true);
        }
        continue;
      }
      waiting_since_.erase(study.id);
      running_.insert(study.id);
      lock.unlock();
      std::thread([this, study]() mutable { RunStudy(std::move(study)); }).detach();
    }
  }
}

void HubServer::RunStudy(StudyRecord study) {
  study.state = StudyState::kRunning;
  v1::StudyEvent running = Event(study.id);
  running.set_progress("running");
  (void)SaveAndPublish(study, running, false);
  Record({{"type", "start"}, {"study", study.id}});
  v1::Submission submission;
  submission.ParseFromString(study.submission);
  std::vector<std::string> sites(submission.sites().begin(), submission.sites().end());
  auto analyses = AnalysesOf(submission);
  Status outcome = analyses.status();
  StatusOr<Json> document = Internal("the study did not run");
  if (outcome.ok()) {
    const std::string directory = StudyDirectory(study.id);
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);  // a rerun after a restart starts clean
    outcome = MakeDirectories(directory);
    if (outcome.ok()) {
      LinkTransport transport(sites_, sites);
      CoordinatorOptions options;
      options.round_timeout = std::chrono::seconds(config_.round_timeout_seconds);
      options.output_directory = directory;
      options.session_id = study.id;
      options.submission = study.submission;
      options.submission_signature = study.submission_signature;
      options.researcher_certificate = study.researcher_certificate;
      options.observer = [&](const Json& event) {
        nlohmann::ordered_json entry = {{"type", event["event"]}, {"study", study.id}};
        for (auto& [key, value] : event.items()) {
          // Timings and sizes are operational, not governance: the log has them, the ledger not.
          if (key != "event" && key != "exchange_seconds" && key != "masked_bytes_per_site") entry[key] = value;
        }
        Record(entry);
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
      Coordinator coordinator(transport, options);
      document = coordinator.Run(submission.study_name(), *analyses);
      outcome = document.status();
    }
  }
  if (outcome.ok()) {
    study.state = StudyState::kDone;
    study.result_json = document->dump();
    Record({{"type", "completion"}, {"study", study.id}});
    LogLine("hub", "study " + study.id + " done");
    (void)SaveAndPublish(study, v1::StudyEvent(), true);
  } else {
    study.state = StudyState::kFailed;
    study.error = MessageOf(outcome);
    Record({{"type", "failure"}, {"study", study.id}, {"reason", study.error}});
    LogLine("hub", "study " + study.id + " failed: " + study.error);
    v1::StudyEvent failed = Event(study.id);
    failed.set_failed(study.error);
    (void)SaveAndPublish(study, failed, true);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  running_.erase(study.id);
  wake_scheduler_.notify_all();
}

std::shared_ptr<StudyChannel> HubServer::ChannelFor(const StudyRecord& study) {
  bool created = false;
  auto channel = board_.Channel(study.id, &created);
  if (!created) return channel;
  // A study from before a restart: its story so far, from the store.
  v1::StudyEvent accepted = Event(study.id);
  accepted.set_accepted("study " + study.id + " (" + StudyStateName(study.state) + ")");
  channel->Publish(accepted);
  for (const auto& [site, decision] : study.decisions) {
    v1::StudyEvent event = Event(study.id);
    event.mutable_decision()->set_site(site);
    event.mutable_decision()->set_decision(decision.rfind("denied", 0) == 0 ? "denied" : decision);
    channel->Publish(event);
  }
  if (study.state == StudyState::kFailed || study.state == StudyState::kDenied) {
    v1::StudyEvent ended = Event(study.id);
    if (study.state == StudyState::kFailed) {
      ended.set_failed(study.error);
    } else {
      ended.set_denied(study.error);
    }
    channel->Publish(ended);
  }
  if (study.state == StudyState::kDone || study.state == StudyState::kFailed || study.state == StudyState::kDenied) {
    channel->Finish();
  }
  return channel;
}

grpc::Status HubServer::Follow(grpc::ServerContext* context, const std::string& study_id,
                               grpc::ServerWriter<v1::StudyEvent>* writer) {
  auto loaded = studies_->Get(study_id);
  if (!loaded.ok() || !loaded->has_value()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no study " + study_id);
  auto channel = ChannelFor(**loaded);
  size_t next = 0;
  bool finished = false;
  while (!finished) {
    if (context->IsCancelled() || stopping_) return grpc::Status(grpc::StatusCode::CANCELLED, "stopped following");
    for (const auto& event : channel->Read(next, std::chrono::milliseconds(500), finished)) {
      if (!writer->Write(event)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
    }
  }
  loaded = studies_->Get(study_id);
  if (!loaded.ok() || !loaded->has_value() || (*loaded)->state != StudyState::kDone) return grpc::Status::OK;
  v1::StudyEvent results = Event(study_id);
  results.set_results_json((*loaded)->result_json);
  if (!writer->Write(results)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
  // The files the analyses wrote, in 1 MiB chunks.
  const std::string directory = StudyDirectory(study_id);
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory, error)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = std::filesystem::relative(entry.path(), directory).string();
    std::ifstream in(entry.path(), std::ios::binary);
    std::string chunk(1 << 20, '\0');
    bool last = false;
    while (!last) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<size_t>(in.gcount());
      last = in.eof() || got == 0;
      v1::StudyEvent file = Event(study_id);
      file.mutable_file()->set_name(name);
      file.mutable_file()->set_data(chunk.substr(0, got));
      file.mutable_file()->set_last(last);
      if (!writer->Write(file)) return grpc::Status(grpc::StatusCode::CANCELLED, "the researcher left");
    }
  }
  return grpc::Status::OK;
}

}  // namespace medfed::net
