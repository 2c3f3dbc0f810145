#include "medfed/analysis/survival/noised_kaplan_meier.h"

#include <algorithm>
#include <cmath>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/survival/survival_support.h"
#include "medfed/core/text.h"

namespace medfed::analysis {
namespace {

// The protocol: the survival schema round with its counts zeroed (n and missing come noised,
// later), then per stratum and grid interval the events and censorings, noised.
struct GridCell {
  double events = 0;
  double censored = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("events", events);
    fields("censored", censored);
  }
};
struct GridSums {
  std::vector<GridCell> cells;  // stratum-major
  template <class Fields>
  void Layout(Fields& fields) {
    fields("cells", cells);
  }
};
inline constexpr Phase<GridSums> kGridCounts{"grid_counts"};

// [events, censorings] per interval per stratum: one group.
std::vector<privacy::NoiseGroup> GridNoise(size_t strata, size_t intervals) { return {{0, strata * intervals * 2, 1}}; }

class NoisedKaplanMeierSite;
class NoisedKaplanMeierHub;
const Protocol<NoisedKaplanMeierSite, NoisedKaplanMeierHub>& NoisedKaplanMeierProtocol();

class NoisedKaplanMeierSite : public ProtocolSite<NoisedKaplanMeierSite, NoisedKaplanMeierHub> {
 public:
  NoisedKaplanMeierSite(SurvivalSite survival, privacy::PrivacyTarget privacy)
      : ProtocolSite(NoisedKaplanMeierProtocol()), survival_(std::move(survival)), privacy_(privacy) {}

  StatusOr<Contribution> Schema(const RoundParameters&, FrameCountSums& sums) {
    ASSIGN_OR_RETURN(Contribution schema, survival_.Schema(sums));
    if (schema.refusal) return schema;
    sums = FrameCountSums{};  // n and missing come noised, later
    schema.released_rows.clear();
    return schema;
  }

  StatusOr<Contribution> GridCounts(const RoundParameters& parameters, GridSums& sums) {
    // Event coding and coarsening as the exact fit, without disclosing any event time.
    EventSums events;
    ASSIGN_OR_RETURN(Contribution times, survival_.Times(parameters, events, /*disclose_event_times=*/false));
    if (times.refusal) return times;
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(std::vector<double> grid, parameters.Numbers("grid"));
    ASSIGN_OR_RETURN(double strata, parameters.Number("strata"));
    ASSIGN_OR_RETURN(std::vector<int32_t> stratum, survival_.StratumIndex(levels));
    const SurvivalRows& rows = survival_.rows();
    const size_t intervals = grid.size() + 1;
    Contribution contribution;
    sums.cells.assign(static_cast<size_t>(strata) * intervals, GridCell{});
    for (size_t i = 0; i < rows.time.size(); ++i) {
      if (stratum[i] < 0 || stratum[i] >= static_cast<int32_t>(strata)) continue;
      const size_t k = static_cast<size_t>(std::lower_bound(grid.begin(), grid.end(), rows.time[i]) - grid.begin());
      GridCell& cell = sums.cells[static_cast<size_t>(stratum[i]) * intervals + k];
      (rows.event[i] ? cell.events : cell.censored) += 1;
    }
    contribution.noise = MakeNoiseRequest(GridNoise(static_cast<size_t>(strata), intervals), privacy_);
    return contribution;
  }

 private:
  SurvivalSite survival_;
  privacy::PrivacyTarget privacy_;
};

class NoisedKaplanMeierHub : public ProtocolHub<NoisedKaplanMeierSite, NoisedKaplanMeierHub> {
 public:
  NoisedKaplanMeierHub(std::string formula_text, std::vector<std::string> keys, std::vector<std::string> names,
                       std::vector<double> grid, privacy::PrivacyTarget privacy, const HubContext& context)
      : ProtocolHub(NoisedKaplanMeierProtocol()),
        formula_text_(std::move(formula_text)),
        keys_(std::move(keys)),
        names_(std::move(names)),
        grid_(std::move(grid)),
        privacy_(privacy),
        context_(context),
        survival_(context) {}

  StatusOr<RoundParameters> Begin() override { return Ask(kSurvivalSchema); }

  StatusOr<HubStep> AfterSchema(FrameCountSums& pooled, const PooledRound& round) {
    RETURN_IF_ERROR(survival_.AfterSchema(pooled, round, /*counts_released=*/false));
    labels_ = CombinationLabels(keys_, names_, survival_.levels());
    RoundParameters parameters = survival_.TimesParameters();
    parameters.numbers["grid"] = grid_;
    parameters.numbers["strata"] = {static_cast<double>(labels_.size())};
    GridSums shape;
    shape.cells.resize(labels_.size() * (grid_.size() + 1));
    return Next(kGridCounts, std::move(parameters), std::move(shape));
  }

  StatusOr<HubStep> AfterGridCounts(GridSums& pooled, const PooledRound&) {
    ASSIGN_OR_RETURN(Json result, Result(pooled.cells));
    return HubStep::Finish(std::move(result));
  }

 private:
  StatusOr<Json> Result(const std::vector<GridCell>& cells) const {
    const size_t intervals = grid_.size() + 1;
    ASSIGN_OR_RETURN(privacy::NoiseCalibration noise,
                     PooledNoise(GridNoise(labels_.size(), intervals), privacy_, context_.sites.size()));
    const double variance = noise.pooled_variance[0];
    Json strata = Json::array();
    double all_n = 0, all_events = 0;
    for (size_t s = 0; s < labels_.size(); ++s) {
      const GridCell* block = cells.data() + s * intervals;
      double n = 0, events = 0;
      for (size_t k = 0; k < intervals; ++k) {
        n += block[k].events + block[k].censored;
        events += block[k].events;
      }
      all_n += n;
      all_events += events;
      Json points = Json::array();
      double at_risk = n, survival = 1, log_variance = 0;
      bool ended = false;
      for (size_t k = 0; k < grid_.size(); ++k) {
        const double died = std::max(0.0, block[k].events);
        const double withdrawn = std::max(0.0, block[k].censored);
        // Actuarial: those withdrawn in the interval were at risk for half of it.
        const double exposed = at_risk - withdrawn / 2;
        // As summary.survfit: at risk at the time (still followed then), events since the last.
        const double remaining = at_risk - block[k].events - block[k].censored;
        Json point = {{"time", grid_[k]},
                      {"n_risk", static_cast<int64_t>(std::llround(std::max(0.0, remaining)))},
                      {"n_event", static_cast<int64_t>(std::llround(block[k].events))}};
        if (ended || exposed <= died || exposed < 1) {
          ended = true;
          point["survival"] = nullptr;
          point["std_error"] = nullptr;
          point["lower"] = nullptr;
          point["upper"] = nullptr;
          point["suppressed"] = true;
          points.push_back(std::move(point));
          continue;
        }
        survival *= 1 - died / exposed;
        // Greenwood, plus the noise of the deaths (and of the number at risk, which sums the
        // noised counts of the later intervals), by the delta method on log S.
        const auto later = static_cast<double>(2 * (intervals - k));
        const double hazard = died / exposed;
        log_variance += died / (exposed * (exposed - died)) +
                        (variance + hazard * hazard * variance * later) / ((exposed - died) * (exposed - died));
        const double se = std::sqrt(log_variance);
        point["survival"] = survival;
        point["std_error"] = survival * se;
        point["lower"] = std::max(0.0, survival * std::exp(-kNormal975 * se));
        point["upper"] = std::min(1.0, survival * std::exp(kNormal975 * se));
        points.push_back(std::move(point));
        at_risk = remaining;
      }
      strata.push_back({{"stratum", labels_.size() == 1 && labels_[0].empty() ? "all" : labels_[s]},
                        {"n", static_cast<int64_t>(std::llround(n))},
                        {"events", static_cast<int64_t>(std::llround(events))},
                        {"median", nullptr},
                        {"median_lower", nullptr},
                        {"median_upper", nullptr},
                        {"points", std::move(points)}});
    }
    Json result;
    result["status"] = "ok";
    result["formula"] = formula_text_;
    result["n"] = static_cast<int64_t>(std::llround(all_n));
    result["events"] = static_cast<int64_t>(std::llround(all_events));
    result["strata"] = std::move(strata);
    result["noise_sd"] = std::sqrt(variance);
    result["privacy"] = PrivacyJson(privacy_, context_.sites.size());
    result["note"] =
        "noised: actuarial survival on the grid of times (withdrawals at risk for half their interval), "
        "from event and censoring counts the sites noised (sd " +
        FormatSignificant(std::sqrt(variance), 3) +
        " each); intervals include the noise; no median or step curve (event times stay at the sites)";
    return result;
  }

  std::string formula_text_;
  std::vector<std::string> keys_, names_;
  std::vector<double> grid_;
  privacy::PrivacyTarget privacy_;
  HubContext context_;
  SurvivalHub survival_;
  std::vector<std::string> labels_;
};

std::vector<double> GridOf(const AnalysisSpec& spec) {
  std::vector<double> grid = spec.Numbers("times");
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  return grid;
}

const Protocol<NoisedKaplanMeierSite, NoisedKaplanMeierHub>& NoisedKaplanMeierProtocol() {
  static const auto protocol =
      Protocol<NoisedKaplanMeierSite, NoisedKaplanMeierHub>("kaplan_meier")
          .Add(kSurvivalSchema, &NoisedKaplanMeierSite::Schema, &NoisedKaplanMeierHub::AfterSchema)
          .Add(kGridCounts, &NoisedKaplanMeierSite::GridCounts, &NoisedKaplanMeierHub::AfterGridCounts);
  return protocol;
}

}  // namespace

Status ValidateNoisedKaplanMeier(const AnalysisSpec& spec) {
  const std::vector<double> grid = GridOf(spec);
  if (grid.empty()) {
    return InvalidArgument(
        "a noised Kaplan-Meier fit needs times = [...], the grid it is estimated on (event times "
        "do not leave the sites under differential privacy), e.g. times = [365, 730, 1095, 1826]");
  }
  if (grid.front() <= 0 || grid.size() > 1000) {
    return InvalidArgument("the times of a noised Kaplan-Meier fit must be positive, at most 1000 of them");
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateNoisedKaplanMeierSite(const AnalysisSpec& spec, SiteContext& context,
                                                                    table::Formula formula) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, FormulaColumns(formula)));
  return std::unique_ptr<SiteAnalysis>(
      new NoisedKaplanMeierSite(SurvivalSite(table, std::move(formula), spec.String("where"), context), *privacy));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateNoisedKaplanMeierHub(const AnalysisSpec& spec, const HubContext& context,
                                                                  table::Formula formula,
                                                                  std::vector<std::string> names) {
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  std::vector<std::string> keys;
  for (size_t v = 0; v < formula.variables.size(); ++v) keys.push_back(formula.VariableLabel(static_cast<int>(v)));
  return std::unique_ptr<HubAnalysis>(
      new NoisedKaplanMeierHub(formula.text, std::move(keys), std::move(names), GridOf(spec), *privacy, context));
}

}  // namespace medfed::analysis
