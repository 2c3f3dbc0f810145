// The hub: runs a study's analyses round by round over a Transport.
//
// Per study session: open (sites validate the plan and publish an ephemeral X25519 key and
// their disclosure settings), key directory (sites derive pairwise mask keys), then for every
// analysis its rounds. The hub only ever adds masked vectors; a refusal from any site ends that
// analysis with status "refused" and the site's reason; any error aborts the study with a
// message naming the site, after telling the sites to close the session.
//
// A silent site aborts the study too (on_dropout = "abort"), unless the study says
// on_dropout = "continue": then every round uses dropout-tolerant secure aggregation and is
// followed by its unmasking (dropout_recovery.h); a site that stops answering is dropped for
// the rest of the session, the round completes over the survivors if at least the threshold
// answered, and the analysis it was lost in starts again from its first round without it. Each
// result names the sites it covers.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/federation/dropout_recovery.h"
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
  // "abort" or "continue", and the secure-aggregation threshold for "continue" (0: the default,
  // crypto::DefaultDropoutThreshold of the number of sites).
  std::string on_dropout = "abort";
  int dropout_threshold = 0;
};

class Coordinator {
 public:
  Coordinator(Transport& transport, CoordinatorOptions options = {});

  // The results document of shared/spec/study.md.
  StatusOr<analysis::Json> Run(const std::string& study_name, const std::vector<analysis::AnalysisSpec>& analyses);

 private:
  // The same request to every site still in the session.
  StatusOr<std::vector<v1::SiteResponse>> Exchange(v1::SiteRequest& request, const std::string& step);
  // requests[i] to alive_[i]. Returns the responses of the sites that answered, in alive_ order;
  // with dropouts tolerated, the others leave alive_ (lost at `step`), else they fail it.
  StatusOr<std::vector<v1::SiteResponse>> ExchangeEach(std::vector<v1::SiteRequest>& requests,
                                                       std::chrono::milliseconds timeout, const std::string& step);
  StatusOr<analysis::Json> RunAnalysis(const analysis::AnalysisSpec& spec);
  // One attempt; sets `lost_a_site` (and returns no result) when a site was lost during it.
  StatusOr<analysis::Json> RunAnalysisOnce(const analysis::AnalysisSpec& spec, bool& lost_a_site);
  // Dropout-tolerant rounds: the unmasking that follows a masked round, and the survivors' sum.
  StatusOr<std::vector<crypto::RingElement>> UnmaskRound(uint64_t round_sequence,
                                                         std::map<std::string, std::vector<crypto::RingElement>> masked,
                                                         const std::vector<std::string>& dropped,
                                                         const std::string& step);
  Status CheckEnoughSites(const std::string& step) const;
  void CloseSession();

  Transport& transport_;
  CoordinatorOptions options_;
  std::vector<std::string> sites_;              // the study's
  std::vector<std::string> alive_;              // those still in the session
  std::map<std::string, std::string> lost_at_;  // site -> the step it stopped answering at
  bool tolerate_dropouts_ = false;
  int threshold_ = 0;
  std::unique_ptr<DropoutRecovery> recovery_;
  std::string session_id_;
  uint64_t sequence_ = 0;
  std::vector<privacy::DisclosurePolicy> policies_;
  analysis::ReferenceData references_;  // for the hub halves
};

}  // namespace medfed::federation
