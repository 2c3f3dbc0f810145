// `count`: the number of rows (after `where`) across all sites, as nrow(subset(...)) in R.
// One round; the pooled count is suppressed when it is below min_cell_count (zero included).
// With `privacy`, each site adds its share of discrete Gaussian noise instead, and the result is
// the noised count with an interval that includes the noise (docs/privacy/differential-privacy.md).
#include <cmath>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/text.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

// One count: one person changes it by one.
const std::vector<privacy::NoiseGroup> kCountNoise = {{0, 1, 1}};

// The protocol: one round, each site's number of selected rows.
struct CountSums {
  double rows = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("rows", rows);
  }
};
inline constexpr Phase<CountSums> kCountPhase{"count"};

class CountSite;
class CountHub;
const Protocol<CountSite, CountHub>& CountProtocol();

class CountSite : public ProtocolSite<CountSite, CountHub> {
 public:
  CountSite(std::shared_ptr<const table::Table> table, const AnalysisSpec& spec,
            std::optional<privacy::PrivacyTarget> privacy, SiteContext& context)
      : ProtocolSite(CountProtocol()),
        table_(std::move(table)),
        where_(spec.String("where")),
        privacy_(privacy),
        context_(context) {}

  StatusOr<Contribution> Count(const RoundParameters&, CountSums& sums) {
    ASSIGN_OR_RETURN(std::vector<uint32_t> rows, table::SelectRows(where_, *table_));
    if (auto refusal = RefuseIfTooFewRows(rows.size(), context_)) return *refusal;
    Contribution contribution;
    sums.rows = static_cast<double>(rows.size());
    contribution.released_rows.push_back(MakeReleasedRows(*table_, std::move(rows)));
    if (privacy_) contribution.noise = MakeNoiseRequest(kCountNoise, *privacy_);
    return contribution;
  }

 private:
  std::shared_ptr<const table::Table> table_;
  std::string where_;
  std::optional<privacy::PrivacyTarget> privacy_;
  SiteContext context_;
};

class CountHub : public ProtocolHub<CountSite, CountHub> {
 public:
  CountHub(std::optional<privacy::PrivacyTarget> privacy, const HubContext& context)
      : ProtocolHub(CountProtocol()), privacy_(privacy), context_(context) {}
  StatusOr<RoundParameters> Begin() override { return Ask(kCountPhase); }

  StatusOr<HubStep> AfterCount(CountSums& pooled, const PooledRound&) {
    const double n = pooled.rows;
    Json result;
    result["status"] = "ok";
    if (privacy_) {
      ASSIGN_OR_RETURN(privacy::NoiseCalibration noise, PooledNoise(kCountNoise, *privacy_, context_.sites.size()));
      const double sd = std::sqrt(noise.pooled_variance[0]);
      result["n"] = static_cast<int64_t>(std::llround(n));
      result["noise_sd"] = sd;
      result["ci95"] = {n - kNormal975 * sd, n + kNormal975 * sd};
      result["privacy"] = PrivacyJson(*privacy_, context_.sites.size());
      return HubStep::Finish(std::move(result));
    }
    if (privacy::IsSmallCount(n, context_.policy.min_cell_count)) {
      result["n"] = nullptr;
      result["suppressed"] = true;
      result["note"] =
          "count below min_cell_count " + std::to_string(context_.policy.min_cell_count) + " is suppressed";
    } else {
      result["n"] = static_cast<int64_t>(n);
      result["suppressed"] = false;
    }
    return HubStep::Finish(std::move(result));
  }

 private:
  std::optional<privacy::PrivacyTarget> privacy_;
  HubContext context_;
};

const Protocol<CountSite, CountHub>& CountProtocol() {
  static const auto protocol =
      Protocol<CountSite, CountHub>("count").Add(kCountPhase, &CountSite::Count, &CountHub::AfterCount);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, {}));
  return std::unique_ptr<SiteAnalysis>(new CountSite(table, spec, privacy, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  return std::unique_ptr<HubAnalysis>(new CountHub(privacy, context));
}

Status Validate(const AnalysisSpec& spec) { return PrivacyTargetOf(spec).status(); }

std::string Render(const Json& result) {
  if (result.value("suppressed", false)) return "  n: suppressed (" + result.value("note", "") + ")\n";
  std::string text = "  n: " + std::to_string(result["n"].get<int64_t>());
  if (result.contains("privacy")) {
    const Json& privacy = result["privacy"];
    text += " (noised: epsilon " + FormatSignificant(privacy["epsilon"].get<double>(), 3) + ", delta " +
            FormatSignificant(privacy["delta"].get<double>(), 3) + "; noise sd " +
            FormatSignificant(result["noise_sd"].get<double>(), 3) + "; 95% interval " +
            FormatSignificant(result["ci95"][0].get<double>(), 4) + " to " +
            FormatSignificant(result["ci95"][1].get<double>(), 4) + ")";
  }
  return text + "\n";
}

}  // namespace

const AnalysisDefinition& CountDefinition() {
  static const AnalysisDefinition definition = {
      "count",
      "rows across sites, as nrow(subset(table, where)); noised with privacy = {...}",
      {{"table", KeyKind::kString, true, "table name"},
       {"where", KeyKind::kString, false, "row filter"},
       PrivacyKeySpec()},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
