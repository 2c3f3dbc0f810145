// The analyses medfed knows. Adding one means writing one file with its round protocol
// (round_protocol.h: phases, layouts, site and hub steps) and its definition, and listing the
// definition in registry.cc (docs/architecture.md, "Adding an analysis").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/analysis/engine/site_data.h"
#include "medfed/privacy/access_policy.h"
#include "medfed/privacy/disclosure_policy.h"

namespace medfed::analysis {

struct SiteContext {
  SiteData& data;
  const privacy::DisclosurePolicy& policy;
  const privacy::AccessPolicy& access;  // tables and columns the site releases (checked on load)
  const ReferenceData& references;      // carried in the study or served by the site
  // The study's session (network mode: the study's id), e.g. to make handles fresh per query.
  std::string session_id;
};

struct HubContext {
  std::vector<std::string> sites;
  privacy::DisclosurePolicy policy;  // the strictest of the sites' policies
  // Where an analysis' `output` files go: --out DIR, or the working directory.
  std::string output_directory = ".";
  ReferenceData references;  // carried in the study or served by the hub
  std::string session_id;    // as in SiteContext
};

// kReference: reference data (reference_data.h). A study file gives a file's path, relative to
// the study file, and the file travels with the study; or "sha256:HEX", served by the parties.
// Everywhere after the study file the key's value is "sha256:HEX".
// kTable: a table of numbers or lists of numbers ({ epsilon = 1.0, delta = 1e-6 },
// { age = [0, 100] }).
enum class KeyKind { kString, kStringList, kNumber, kNumberList, kBoolean, kReference, kTable };

struct KeySpec {
  std::string name;
  KeyKind kind = KeyKind::kString;
  bool required = false;
  std::string help;
  // kReference: whether the sites read the content (else only the hub does), so that a site
  // that lacks it refuses the study when it is asked to approve it.
  bool read_by_sites = false;
  // A key that never leaves the researcher's machine (phenotype_match's plaintext query): the
  // analysis' `seal` replaces it, and a submission that holds it is refused.
  bool querier_only = false;
};

// What only the researcher keeps of a sealed analysis (a private key), between `seal` and `open`.
class QuerierSecret {
 public:
  virtual ~QuerierSecret() = default;
};

struct AnalysisDefinition {
  std::string type;
  std::string description;  // one line, for `medfed --help` and docs
  std::vector<KeySpec> keys;
  // Checks that need no data (formula syntax, allowed values). Runs when the study file is read.
  Status (*validate)(const AnalysisSpec& spec) = nullptr;
  // Site half. Runs when a session opens, so that a missing table or column is reported before
  // any round; may load the site's tables.
  StatusOr<std::unique_ptr<SiteAnalysis>> (*create_site)(const AnalysisSpec& spec, SiteContext& context) = nullptr;
  StatusOr<std::unique_ptr<HubAnalysis>> (*create_hub)(const AnalysisSpec& spec, const HubContext& context) = nullptr;
  // Human-readable rendering of an "ok" result.
  std::string (*render)(const Json& result) = nullptr;
  // The querier's half, for an analysis whose query must stay with the researcher
  // (phenotype_match). `seal` runs on the researcher's machine before the study leaves it: it
  // replaces the plaintext query in `spec` by an encrypted one (carried in `references`) and
  // returns what only the researcher keeps; the hub half then computes on ciphertexts, and
  // `open`, again on the researcher's machine, turns the hub's sealed result into the result.
  // `available`: the reference data the researcher's machine can read (carried, or its own
  // directory); `carried`: what the study carries, to which `seal` may add.
  StatusOr<std::unique_ptr<QuerierSecret>> (*seal)(AnalysisSpec& spec, const ReferenceData& available,
                                                   std::vector<ReferenceFile>& carried) = nullptr;
  StatusOr<Json> (*open)(const Json& sealed_result, const QuerierSecret& secret) = nullptr;
};

const std::vector<const AnalysisDefinition*>& AllAnalyses();
// The error for `privacy = {...}` on an analysis that has no noised form; lists those that do.
Status DifferentialPrivacyUnavailable(const std::string& type);
// The checks that need no data, for a study file or a submission: the analysis' own `validate`,
// then `where` (for every analysis that has one), so that no analysis repeats that check.
Status ValidateAnalysis(const AnalysisDefinition& definition, const AnalysisSpec& spec);
// nullptr when unknown.
const AnalysisDefinition* FindAnalysis(const std::string& type);

// Definitions, one per analysis file.
const AnalysisDefinition& CountDefinition();
const AnalysisDefinition& CrosstabDefinition();
const AnalysisDefinition& SummaryDefinition();
const AnalysisDefinition& GlmDefinition();
const AnalysisDefinition& KaplanMeierDefinition();
const AnalysisDefinition& LogRankDefinition();
const AnalysisDefinition& CoxDefinition();
const AnalysisDefinition& RatesDefinition();
const AnalysisDefinition& LifeTableDefinition();
const AnalysisDefinition& GwasDefinition();
const AnalysisDefinition& DistinctCountDefinition();
const AnalysisDefinition& PsiDefinition();
const AnalysisDefinition& PhenotypeMatchDefinition();

}  // namespace medfed::analysis
