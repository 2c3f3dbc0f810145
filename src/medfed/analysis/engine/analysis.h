// The one abstraction of medfed: an analysis is a small state machine that runs in rounds
// (docs/architecture.md).
//
//   hub:   Begin() -> parameters of round 1
//   site:  Local(parameters, own rows) -> Contribution (a vector of numbers, summed under
//          secure aggregation; or a policy refusal)
//   hub:   Combine(sum over sites) -> parameters of the next round, or the result
//
// Local never does network I/O and Combine never sees a single site's numbers. Transport,
// masking, disclosure of refusals, progress and audit are written once, around the rounds
// (federation/). Analyses implement these two interfaces through their declared round
// protocol (round_protocol.h), never by hand.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medfed/core/status.h"
#include "medfed/privacy/differential_privacy.h"
#include "medfed/privacy/disclosure_policy.h"

namespace medfed::analysis {

using Json = nlohmann::ordered_json;

// Named vectors sent from the hub to the sites for one round (medfed.v1.Parameters).
struct RoundParameters {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::vector<std::string>> texts;

  StatusOr<double> Number(const std::string& key) const;
  StatusOr<std::vector<double>> Numbers(const std::string& key) const;
  StatusOr<std::string> Text(const std::string& key) const;
  StatusOr<std::vector<std::string>> Texts(const std::string& key) const;
  bool Has(const std::string& key) const { return numbers.count(key) || texts.count(key); }
};

// A site refuses a round when its own policy forbids it. The reason names the rule and the
// site, never a value or a count from the data (a count under a filter would tell whether a
// given patient is there).
struct Refusal {
  std::string rule;
  std::string reason;
};

// The rows of one site table behind a release (sorted row numbers), which the site compares
// with the rows behind its earlier releases to the same researcher (the differencing guard,
// federation/release_guard.h).
struct ReleasedRows {
  std::string table;  // the table's file
  uint32_t table_rows = 0;
  std::shared_ptr<const std::vector<uint32_t>> rows;
};

// Differential privacy for a round: the site adds its share of discrete Gaussian noise to these
// coordinates (integers) and charges the researcher's budget before masking
// (privacy/differential_privacy.h).
//
// Most analyses release all their noised coordinates in one round. One whose noised release
// spans rounds (a GWAS counts its variants block by block) splits the target's cost: each
// round's noise is sized for `share` of it, and the whole is charged in the first noised round
// (`charge` 1, so the budget is checked once, before anything noised leaves) while later rounds
// charge only what goes beyond it (a hub that asks for a block twice pays twice).
struct NoiseRequest {
  std::vector<privacy::NoiseGroup> groups;
  privacy::PrivacyTarget target;
  double share = 1;   // fraction of the target's rho this round's noise is sized for
  double charge = 1;  // fraction of the target's rho charged to the budget now (0: prepaid)
};

// The key under which a site tells the researcher, in plain text, how much of their privacy
// budget is left there after a noised release ("epsilon 3.8 at delta 1e-05"): the site's own
// accounting, not data.
inline constexpr char kBudgetLeftKey[] = "privacy:budget_left";

struct Contribution {
  std::vector<double> values;  // summed over sites under secure aggregation
  // Sets a site reveals in plain text by design (factor levels present); documented per
  // analysis in docs/protocols/.
  std::map<std::string, std::vector<std::string>> disclosed;
  std::optional<Refusal> refusal;
  std::vector<ReleasedRows> released_rows;
  std::optional<NoiseRequest> noise;

  static Contribution Refuse(std::string rule, std::string reason) {
    Contribution contribution;
    contribution.refusal = Refusal{std::move(rule), std::move(reason)};
    return contribution;
  }
};

// What the hub gets back from a round.
struct PooledRound {
  std::vector<double> sum;
  std::vector<std::string> sites;
  std::vector<std::map<std::string, std::vector<std::string>>> disclosed;  // per site
};

struct HubStep {
  std::optional<RoundParameters> next_round;
  // Parameters one site alone receives in the next round, besides next_round: what a site must
  // not see of another's (distinct_count's blinded lists). A site not named here gets
  // next_round only.
  std::map<std::string, RoundParameters> per_site;
  Json result;  // set when next_round is empty

  // next_round as `site` receives it: its own parameters added (they win over common ones).
  RoundParameters ForSite(const std::string& site) const;

  static HubStep Next(RoundParameters parameters) {
    HubStep step;
    step.next_round = std::move(parameters);
    return step;
  }
  static HubStep Finish(Json result) {
    HubStep step;
    step.result = std::move(result);
    return step;
  }
};

class SiteAnalysis {
 public:
  virtual ~SiteAnalysis() = default;
  // May cache derived data (a design matrix) between rounds; the result depends only on the
  // parameters and the site's rows.
  virtual StatusOr<Contribution> Local(const RoundParameters& parameters) = 0;
};

class HubAnalysis {
 public:
  virtual ~HubAnalysis() = default;
  virtual StatusOr<RoundParameters> Begin() = 0;
  virtual StatusOr<HubStep> Combine(const PooledRound& pooled) = 0;
};

}  // namespace medfed::analysis
