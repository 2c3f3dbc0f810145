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

StatusOr<std::vector<v1::SiteResponse>> Coordinator::Exchange(v1::SiteRequest& request) {
  return Exchange(request, options_.round_timeout);
}

StatusOr<std::vector<v1::SiteResponse>> Coordinator::Exchange(v1::SiteRequest& request,
                                                              std::chrono::milliseconds timeout) {
  std::vector<v1::SiteRequest> requests(sites_.size(), request);
  return ExchangeEach(requests, timeout);
}

StatusOr<std::vector<v1::SiteResponse>> Coordinator::ExchangeEach(std::vector<v1::SiteRequest>& requests,
                                                                  std::chrono::milliseconds timeout) {
  ++sequence_;
  for (v1::SiteRequest& request : requests) {
    request.set_session_id(session_id_);
    request.set_sequence(sequence_);
  }
  ASSIGN_OR_RETURN(std::vector<v1::SiteResponse> responses, transport_.ExchangeEach(requests, timeout));
  for (size_t i = 0; i < responses.size(); ++i) {
    const v1::SiteResponse& response = responses[i];
    if (response.has_error()) return StatusFromWire(response.error());
    if (response.site() != sites_[i] || response.sequence() != sequence_ || response.session_id() != session_id_) {
      return DataLoss("site " + sites_[i] + " answered for another message (site " + response.site() + ", message " +
                      std::to_string(response.sequence()) + ")");
    }
  }
  return responses;
}

void Coordinator::CloseSession() {
  // Best effort, and quick: a site that did not answer a round will not answer this either.
  v1::SiteRequest request;
  request.mutable_close();
  auto ignored =
      Exchange(request, std::min<std::chrono::milliseconds>(options_.round_timeout, std::chrono::seconds(5)));
  (void)ignored;
}

StatusOr<analysis::Json> Coordinator::Run(const std::string& study_name,
                                          const std::vector<analysis::AnalysisSpec>& analyses) {
  RETURN_IF_ERROR(crypto::EnsureSodium());
  if (sites_.empty()) return InvalidArgument("the study lists no sites");
  session_id_ = options_.session_id.empty() ? RandomSessionId() : options_.session_id;
  sequence_ = 0;

  v1::SiteRequest open;
  v1::StudyPlan* plan = open.mutable_open()->mutable_plan();
  plan->set_study_name(study_name);
  plan->set_session_id(session_id_);
  for (const auto& site : sites_) plan->add_sites(site);
  plan->set_submission(options_.submission);
  plan->set_submission_signature(options_.submission_signature);
  plan->set_researcher_certificate(options_.researcher_certificate);
  ToWire(options_.references, plan->mutable_references());
  references_ =
      analysis::ReferenceData("the hub", options_.references, options_.served_references, options_.served_from);
  for (const auto& spec : analyses) {
    v1::AnalysisSpec* wire = plan->add_analyses();
    wire->set_id(spec.id());
    wire->set_type(spec.type());
    wire->set_spec_json(spec.keys().dump());
  }
  auto opened = Exchange(open);
  if (!opened.ok()) {
    CloseSession();
    return opened.status();
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
  auto accepted = Exchange(directory);
  if (!accepted.ok()) {
    CloseSession();
    return accepted.status();
  }

  analysis::Json document;
  document["study"] = study_name;
  analysis::Json sites = analysis::Json::array();
  for (const auto& site : sites_) sites.push_back({{"name", site}, {"status", "ok"}});
  document["sites"] = std::move(sites);
  analysis::Json results = analysis::Json::array();
  for (const auto& spec : analyses) {
    auto result = RunAnalysis(spec);
    if (!result.ok()) {
      CloseSession();
      return Annotate(result.status(), spec.Describe() + ": ");
    }
    if (options_.observer) {
      analysis::Json release = {{"event", "release"},
                                {"analysis", spec.id()},
                                {"analysis_type", spec.type()},
                                {"status", (*result)["status"]}};
      // What a noised release spent, for the ledger every site keeps.
      if (result->contains("privacy")) {
        release["privacy"] = {{"epsilon", (*result)["privacy"]["epsilon"]}, {"delta", (*result)["privacy"]["delta"]}};
      }
      options_.observer(release);
    }
    results.push_back(*std::move(result));
  }
  document["results"] = std::move(results);
  CloseSession();
  return document;
}

StatusOr<analysis::Json> Coordinator::RunAnalysis(const analysis::AnalysisSpec& spec) {
  const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(spec.type());
  if (definition == nullptr) return InvalidArgument("unknown analysis type " + spec.type());
  analysis::HubContext context{sites_, privacy::DisclosurePolicy::Strictest(policies_), options_.output_directory,
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
    std::vector<v1::SiteRequest> requests(sites_.size());
    for (size_t s = 0; s < sites_.size(); ++s) {
      v1::RoundRequest* wire = requests[s].mutable_round();
      wire->set_analysis_id(spec.id());
      wire->set_round(round);
      if (s > 0 && next.per_site.empty()) {
        *wire->mutable_parameters() = requests[0].round().parameters();
      } else {
        ToWire(next.ForSite(sites_[s]), wire->mutable_parameters());
      }
    }
    const auto sent = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(std::vector<v1::SiteResponse> responses, ExchangeEach(requests, options_.round_timeout));
    const double exchange_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();

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
    std::vector<std::vector<crypto::RingElement>> masked;
    analysis::PooledRound pooled;
    size_t largest_masked_bytes = 0;
    for (const auto& response : responses) {
      if (!response.round().has_contribution()) {
        return DataLoss("site " + response.site() + " sent neither a contribution nor a refusal");
      }
      const auto& contribution = response.round().contribution();
      largest_masked_bytes = std::max(largest_masked_bytes, contribution.masked().size());
      ASSIGN_OR_RETURN(std::vector<crypto::RingElement> vector, crypto::DeserializeRing(contribution.masked()));
      masked.push_back(std::move(vector));
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
    auto sum = crypto::SumMaskedVectors(masked);
    if (!sum.ok()) return Annotate(sum.status(), "round " + std::to_string(round) + ": ");
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

}  // namespace medfed::federation
