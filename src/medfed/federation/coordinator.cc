#include "medfed/federation/coordinator.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/core/progress.h"
#include "medfed/core/text.h"
#include "medfed/crypto/fixed_point.h"
#include "medfed/crypto/secure_aggregation.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/crypto/sodium.h"
#include "medfed/federation/wire.h"

namespace medfed::federation {
namespace {

std::string RandomSessionId() { return crypto::RandomHex(16); }

}  // namespace

Coordinator::Coordinator(Transport& transport, CoordinatorOptions options)
    : transport_(transport), options_(options), sites_(transport.Sites()) {}

StatusOr<std::vector<v1::SiteResponse>> Coordinator::Exchange(v1::SiteRequest& request, const std::string& step) {
  std::vector<v1::SiteRequest> requests(alive_.size(), request);
  return ExchangeEach(requests, options_.round_timeout, step);
}

StatusOr<std::vector<v1::SiteResponse>> Coordinator::ExchangeEach(std::vector<v1::SiteRequest>& requests,
                                                                  std::chrono::milliseconds timeout,
                                                                  const std::string& step) {
  ++sequence_;
  for (v1::SiteRequest& request : requests) {
    request.set_session_id(session_id_);
    request.set_sequence(sequence_);
  }
  std::vector<StatusOr<v1::SiteResponse>> delivered = transport_.Deliver(alive_, requests, timeout);
  std::vector<v1::SiteResponse> responses;
  std::vector<std::string> answered;
  for (size_t i = 0; i < delivered.size(); ++i) {
    const std::string& site = alive_[i];
    if (!delivered[i].ok()) {
      const auto code = delivered[i].status().code();
      // Only silence and lost connections are dropouts; anything a site says is heard.
      if (tolerate_dropouts_ &&
          (code == absl::StatusCode::kDeadlineExceeded || code == absl::StatusCode::kUnavailable)) {
        lost_at_.emplace(site, step);
        continue;
      }
      return delivered[i].status();
    }
    const v1::SiteResponse& response = *delivered[i];
    if (response.has_error()) return StatusFromWire(response.error());
    if (response.site() != site || response.sequence() != sequence_ || response.session_id() != session_id_) {
      return DataLoss("site " + site + " answered for another message (site " + response.site() + ", message " +
                      std::to_string(response.sequence()) + ")");
    }
    answered.push_back(site);
    responses.push_back(*std::move(delivered[i]));
  }
  alive_ = std::move(answered);
  return responses;
}

Status Coordinator::CheckEnoughSites(const std::string& step) const {
  if (!tolerate_dropouts_ || static_cast<int>(alive_.size()) >= threshold_) return absl::OkStatus();
  std::vector<std::string> lost;
  for (const auto& [site, where] : lost_at_) lost.push_back(site);
  return Unavailable("only " + std::to_string(alive_.size()) + " of " + std::to_string(sites_.size()) +
                     " sites are still answering after " + step + " (lost: " + JoinStrings(lost, ", ") +
                     "), fewer than the dropout threshold " + std::to_string(threshold_) +
                     "; the study stops and nothing more is unmasked");
}

void Coordinator::CloseSession() {
  // Best effort, and quick: a site that did not answer a round will not answer this either.
  // Sites dropped on the way are not waited for; their session ends with their connection.
  v1::SiteRequest request;
  request.mutable_close();
  request.set_session_id(session_id_);
  request.set_sequence(++sequence_);
  std::vector<v1::SiteRequest> requests(alive_.size(), request);
  auto ignored = transport_.Deliver(
      alive_, requests, std::min<std::chrono::milliseconds>(options_.round_timeout, std::chrono::seconds(5)));
  (void)ignored;
}

StatusOr<analysis::Json> Coordinator::Run(const std::string& study_name,
                                          const std::vector<analysis::AnalysisSpec>& analyses) {
  RETURN_IF_ERROR(crypto::EnsureSodium());
  if (sites_.empty()) return InvalidArgument("the study lists no sites");
  session_id_ = options_.session_id.empty() ? RandomSessionId() : options_.session_id;
  sequence_ = 0;
  alive_ = sites_;
  lost_at_.clear();
  if (options_.on_dropout == "continue") {
    tolerate_dropouts_ = true;
    const int site_count = static_cast<int>(sites_.size());
    threshold_ = crypto::DropoutThresholdFor(site_count, options_.dropout_threshold);
    if (threshold_ < crypto::MinimumDropoutThreshold(site_count) || threshold_ > site_count) {
      return InvalidArgument("dropout_threshold " + std::to_string(threshold_) + " for " + std::to_string(site_count) +
                             " sites: it must be at least a majority (" +
                             std::to_string(crypto::MinimumDropoutThreshold(site_count)) + ") and at most " +
                             std::to_string(site_count));
    }
    recovery_ = std::make_unique<DropoutRecovery>(session_id_, threshold_);
  } else if (options_.on_dropout == "abort" || options_.on_dropout.empty()) {
    tolerate_dropouts_ = false;
  } else {
    return InvalidArgument("on_dropout " + QuoteForMessage(options_.on_dropout) +
                           R"( is neither "abort" nor "continue")");
  }

  v1::SiteRequest open;
  v1::StudyPlan* plan = open.mutable_open()->mutable_plan();
  plan->set_study_name(study_name);
  plan->set_session_id(session_id_);
  for (const auto& site : sites_) plan->add_sites(site);
  plan->set_submission(options_.submission);
  plan->set_submission_signature(options_.submission_signature);
  plan->set_researcher_certificate(options_.researcher_certificate);
  if (tolerate_dropouts_) {
    plan->set_on_dropout("continue");
    plan->set_dropout_threshold(threshold_);
  }
  ToWire(options_.references, plan->mutable_references());
  references_ =
      analysis::ReferenceData("the hub", options_.references, options_.served_references, options_.served_from);
  for (const auto& spec : analyses) {
    v1::AnalysisSpec* wire = plan->add_analyses();
    wire->set_id(spec.id());
    wire->set_type(spec.type());
    wire->set_spec_json(spec.keys().dump());
  }
  auto opened = Exchange(open, "opening the session");
  Status open_status = opened.ok() ? CheckEnoughSites("opening the session") : opened.status();
  if (!open_status.ok()) {
    CloseSession();
    return open_status;
  }
  v1::SiteRequest directory;
  policies_.clear();
  for (const auto& response : *opened) {
    if (!response.has_opened()) return DataLoss("site " + response.site() + " did not open the session");
    v1::SiteKey* key = directory.mutable_keys()->add_keys();
    key->set_site(response.site());
    key->set_x25519_public_key(response.opened().x25519_public_key());
    key->set_key_signature(response.opened().key_signature());
    key->set_certificate(response.opened().certificate());
    policies_.push_back(FromWire(response.opened().policy()));
  }
  if (recovery_) recovery_->SetSessionSites(alive_);
  auto accepted = Exchange(directory, "the key directory");
  Status keys_ready = accepted.status();
  if (keys_ready.ok()) keys_ready = CheckEnoughSites("the key directory");
  for (size_t i = 0; keys_ready.ok() && recovery_ && i < accepted->size(); ++i) {
    const v1::SiteResponse& response = (*accepted)[i];
    keys_ready = recovery_->Record(response.site(), response.keys_accepted().material());
  }
  if (!keys_ready.ok()) {
    CloseSession();
    return keys_ready;
  }

  analysis::Json document;
  document["study"] = study_name;
  analysis::Json results = analysis::Json::array();
  for (const auto& spec : analyses) {
    auto result = RunAnalysis(spec);
    if (!result.ok()) {
      CloseSession();
      return Annotate(result.status(), spec.Describe() + ": ");
    }
    if (tolerate_dropouts_) (*result)["sites"] = alive_;
    if (options_.observer) {
      analysis::Json release = {{"event", "release"},
                                {"analysis", spec.id()},
                                {"analysis_type", spec.type()},
                                {"status", (*result)["status"]}};
      if (tolerate_dropouts_) release["sites"] = alive_;  // whom the release covers
      // What a noised release spent, for the ledger every site keeps.
      if (result->contains("privacy")) {
        release["privacy"] = {{"epsilon", (*result)["privacy"]["epsilon"]}, {"delta", (*result)["privacy"]["delta"]}};
      }
      options_.observer(release);
    }
    results.push_back(*std::move(result));
  }
  document["results"] = std::move(results);
  analysis::Json sites = analysis::Json::array();
  for (const auto& site : sites_) {
    auto lost = lost_at_.find(site);
    if (lost == lost_at_.end()) {
      sites.push_back({{"name", site}, {"status", "ok"}});
    } else {
      sites.push_back({{"name", site}, {"status", "dropped"}, {"lost_at", lost->second}});
    }
  }
  document["sites"] = std::move(sites);
  if (tolerate_dropouts_) document["dropout_threshold"] = threshold_;
  CloseSession();
  return document;
}

StatusOr<analysis::Json> Coordinator::RunAnalysis(const analysis::AnalysisSpec& spec) {
  // Each attempt that loses a site leaves one site fewer, so this ends.
  std::vector<std::string> restarted_without;
  while (true) {
    bool lost_a_site = false;
    const std::vector<std::string> covered = alive_;
    ASSIGN_OR_RETURN(analysis::Json result, RunAnalysisOnce(spec, lost_a_site));
    if (!lost_a_site) {
      if (!restarted_without.empty()) result["restarted_without"] = restarted_without;
      return result;
    }
    for (const auto& site : covered) {
      if (std::find(alive_.begin(), alive_.end(), site) == alive_.end()) restarted_without.push_back(site);
    }
    if (options_.observer) {
      options_.observer({{"event", "restart"}, {"analysis", spec.id()}, {"without", restarted_without}});
    }
  }
}

StatusOr<analysis::Json> Coordinator::RunAnalysisOnce(const analysis::AnalysisSpec& spec, bool& lost_a_site) {
  const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(spec.type());
  if (definition == nullptr) return InvalidArgument("unknown analysis type " + spec.type());
  const size_t sites_at_start = alive_.size();
  analysis::HubContext context{alive_, privacy::DisclosurePolicy::Strictest(policies_), options_.output_directory,
                               references_, session_id_};
  ASSIGN_OR_RETURN(std::unique_ptr<analysis::HubAnalysis> hub, definition->create_hub(spec, context));
  ASSIGN_OR_RETURN(analysis::RoundParameters first, hub->Begin());
  analysis::HubStep next = analysis::HubStep::Next(std::move(first));
  Progress progress(spec.Describe(), 0, "rounds");
  analysis::Json result;
  result["id"] = spec.id();
  result["type"] = spec.type();
  std::map<std::string, std::string> budget_left;  // site -> what the researcher has left there
  for (uint32_t round = 1;; ++round) {
    // Each site's request: the round's parameters, and what the hub has for that site alone.
    std::vector<v1::SiteRequest> requests(alive_.size());
    for (size_t s = 0; s < alive_.size(); ++s) {
      v1::RoundRequest* wire = requests[s].mutable_round();
      wire->set_analysis_id(spec.id());
      wire->set_round(round);
      if (s > 0 && next.per_site.empty()) {
        *wire->mutable_parameters() = requests[0].round().parameters();
      } else {
        ToWire(next.ForSite(alive_[s]), wire->mutable_parameters());
      }
    }
    if (recovery_) RETURN_IF_ERROR(recovery_->Prepare(alive_, requests));
    const std::vector<std::string> participants = alive_;
    const std::string step = "analysis " + spec.id() + " round " + std::to_string(round);
    const auto sent = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(std::vector<v1::SiteResponse> responses, ExchangeEach(requests, options_.round_timeout, step));
    const uint64_t round_sequence = sequence_;
    const double exchange_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    for (const auto& response : responses) {
      if (recovery_) RETURN_IF_ERROR(recovery_->Record(response.site(), response.round().material()));
    }

    std::vector<std::string> refusals;
    std::set<std::string> rules;
    for (const auto& response : responses) {
      if (response.round().has_refusal()) {
        refusals.push_back(response.round().refusal().reason());
        rules.insert(response.round().refusal().rule());
      }
    }
    if (!refusals.empty()) {
      analysis::Json refused = analysis::RefusedResult(JoinStrings(refusals, "; "));
      refused["rules"] = std::vector<std::string>(rules.begin(), rules.end());
      result.update(refused);
      return result;
    }
    // Only masked vectors reach the hub; their sum is the only thing it can decode.
    std::map<std::string, std::vector<crypto::RingElement>> masked_by_site;
    analysis::PooledRound pooled;
    size_t largest_masked_bytes = 0;
    for (const auto& response : responses) {
      if (!response.round().has_contribution()) {
        return DataLoss("site " + response.site() + " sent neither a contribution nor a refusal");
      }
      const auto& contribution = response.round().contribution();
      largest_masked_bytes = std::max(largest_masked_bytes, contribution.masked().size());
      ASSIGN_OR_RETURN(std::vector<crypto::RingElement> vector, crypto::DeserializeRing(contribution.masked()));
      masked_by_site[response.site()] = std::move(vector);
      pooled.sites.push_back(response.site());
      std::map<std::string, std::vector<std::string>> disclosed;
      for (const auto& [key, texts] : contribution.disclosed()) {
        if (key == analysis::kBudgetLeftKey && texts.values_size() == 1) {
          budget_left[response.site()] = texts.values(0);
          continue;
        }
        disclosed[key].assign(texts.values().begin(), texts.values().end());
      }
      pooled.disclosed.push_back(std::move(disclosed));
    }
    StatusOr<std::vector<crypto::RingElement>> sum = std::vector<crypto::RingElement>();
    if (recovery_) {
      std::vector<std::string> dropped;
      for (const auto& site : participants) {
        if (!masked_by_site.count(site)) dropped.push_back(site);
      }
      sum = UnmaskRound(round_sequence, std::move(masked_by_site), dropped, step);
    } else {
      std::vector<std::vector<crypto::RingElement>> masked;
      for (auto& [site, vector] : masked_by_site) masked.push_back(std::move(vector));
      sum = crypto::SumMaskedVectors(masked);
    }
    if (!sum.ok()) return Annotate(sum.status(), "round " + std::to_string(round) + ": ");
    if (alive_.size() < sites_at_start) {
      // A site's earlier rounds are in this analysis's state: start again without it.
      lost_a_site = true;
      return analysis::Json();
    }
    pooled.sum = crypto::DecodeFixedPoint(*sum);
    ASSIGN_OR_RETURN(next, hub->Combine(pooled));
    progress.Advance();
    if (options_.observer) {
      // exchange_seconds: from sending the round to the last site's masked reply (for operators'
      // logs and the network benchmark; not part of any result).
      options_.observer({{"event", "round"},
                         {"analysis", spec.id()},
                         {"round", round},
                         {"values", pooled.sum.size()},
                         {"masked_bytes_per_site", largest_masked_bytes},
                         {"exchange_seconds", exchange_seconds}});
    }
    if (!next.next_round) {
      result.update(next.result);
      result["rounds"] = round;
      if (!budget_left.empty()) result["privacy_budget_left"] = budget_left;
      return result;
    }
  }
}

StatusOr<std::vector<crypto::RingElement>> Coordinator::UnmaskRound(
    uint64_t round_sequence, std::map<std::string, std::vector<crypto::RingElement>> masked,
    const std::vector<std::string>& dropped, const std::string& step) {
  RETURN_IF_ERROR(CheckEnoughSites(step));
  v1::SiteRequest request;
  v1::UnmaskRequest* unmask = request.mutable_unmask();
  unmask->set_round_sequence(round_sequence);
  for (const auto& site : alive_) unmask->add_survivors(site);
  for (const auto& site : dropped) unmask->add_dropped(site);
  const std::string unmasking = "the unmasking of " + step;
  ASSIGN_OR_RETURN(std::vector<v1::SiteResponse> responses, Exchange(request, unmasking));
  RETURN_IF_ERROR(CheckEnoughSites(unmasking));
  for (const auto& response : responses) {
    if (!response.has_unmasked()) return DataLoss("site " + response.site() + " did not answer the unmasking");
    RETURN_IF_ERROR(recovery_->Record(response.site(), response.unmasked().material()));
  }
  return recovery_->Recover(round_sequence, std::move(masked), dropped, responses);
}

}  // namespace medfed::federation
