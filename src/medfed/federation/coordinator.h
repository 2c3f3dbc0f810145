// The hub: runs a study's analyses round by round over a Transport.
//
// Per study session: open (sites validate the plan and publish an ephemeral X25519 key and
// their disclosure settings), key directory (sites derive pairwise mask keys), then for every
// analysis its rounds. The hub only ever adds masked vectors; a refusal from any site ends that
// analysis with status "refused" and the site's reason; any error or a silent site aborts the
// study with a message naming the site, after telling the sites to close the session.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/federation/transport.h"

namespace medfed::federation {

struct CoordinatorOptions {
  std::chrono::milliseconds round_timeout{60000};
  std::string output_directory = ".";
  // Network mode: the session is the approved study (its id), and the plan carries the
  // researcher's signed submission for the sites to check.
  std::string session_id;  // empty: a random one
  std::string submission, submission_signature, researcher_certificate;
  // The reference data the study carries (sent to every site with the plan), and what the hub
  // serves by hash besides (network mode: the hub's reference directory).
  std::vector<analysis::ReferenceFile> references;
  analysis::ReferenceData::Lookup served_references;
  std::string served_from;
  // Told of every completed round and every analysis result (the hub's ledger).
  std::function<void(const analysis::Json& event)> observer;
};

class Coordinator {
 public:
  Coordinator(Transport& transport, CoordinatorOptions options = {});

  // The results document of shared/spec/study.md.
  StatusOr<analysis::Json> Run(const std::string& study_name, const std::vector<analysis::AnalysisSpec>& analyses);

 private:
  StatusOr<std::vector<v1::SiteResponse>> Exchange(v1::SiteRequest& request);
  StatusOr<std::vector<v1::SiteResponse>> Exchange(v1::SiteRequest& request, std::chrono::milliseconds timeout);
  // One request per site, in sites_ order (a round with per-site parameters).
  StatusOr<std::vector<v1::SiteResponse>> ExchangeEach(std::vector<v1::SiteRequest>& requests,
                                                       std::chrono::milliseconds timeout);
  StatusOr<analysis::Json> RunAnalysis(const analysis::AnalysisSpec& spec);
  void CloseSession();

  Transport& transport_;
  CoordinatorOptions options_;
  std::vector<std::string> sites_;
  std::string session_id_;
  uint64_t sequence_ = 0;
  std::vector<privacy::DisclosurePolicy> policies_;
  analysis::ReferenceData references_;  // for the hub halves
};

}  // namespace medfed::federation
