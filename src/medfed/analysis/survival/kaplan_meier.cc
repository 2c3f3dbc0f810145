// `kaplan_meier`: survival curves by stratum, as R's survfit(Surv(t, e) ~ strata) and
// summary(fit, times = ...). Rounds: schema and times (survival_support.h), then one round of
// pooled counts: per stratum, the number at risk and of events at every pooled event time, and
// the number at risk at the requested times and at the plot's tick marks.
// Release: the step curve only at times where the pooled number at risk is at least
// min_cell_count; requested times always appear, with values withheld where fewer are at risk.
#include <cmath>

#include "medfed/analysis/engine/noised_release.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/survival/noised_kaplan_meier.h"
#include "medfed/analysis/survival/survival_support.h"
#include "medfed/core/nice_ticks.h"
#include "medfed/core/r_format.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/privacy/cell_suppression.h"
#include "medfed/stats/kaplan_meier.h"

namespace medfed::analysis {
namespace {

struct KmSpec {
  table::Formula formula;
  std::vector<std::string> names;  // grouping variables as written
  std::vector<double> times;       // requested times
};

StatusOr<KmSpec> ParseSpec(const AnalysisSpec& spec) {
  KmSpec parsed;
  ASSIGN_OR_RETURN(parsed.formula, ParseSurvivalFormula(spec.String("formula")));
  parsed.names = MakeGroupingFactors(parsed.formula);
  parsed.times = spec.Numbers("times");
  for (double t : parsed.times) {
    if (t < 0) return InvalidArgument("times must not be negative");
  }
  std::sort(parsed.times.begin(), parsed.times.end());
  return parsed;
}

// The protocol: the survival opening, then the risk counts per stratum.
inline constexpr Phase<RiskCountSums> kCounts{"counts"};

class KaplanMeierSite;
class KaplanMeierHub;
const Protocol<KaplanMeierSite, KaplanMeierHub>& KaplanMeierProtocol();

class KaplanMeierSite : public ProtocolSite<KaplanMeierSite, KaplanMeierHub> {
 public:
  KaplanMeierSite(SurvivalSite survival) : ProtocolSite(KaplanMeierProtocol()), survival_(std::move(survival)) {}

  SurvivalSite& survival() { return survival_; }

  StatusOr<Contribution> Counts(const RoundParameters& parameters, RiskCountSums& sums) {
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(std::vector<double> event_times, parameters.Numbers("event_times"));
    ASSIGN_OR_RETURN(std::vector<double> extra_times, parameters.Numbers("extra_times"));
    ASSIGN_OR_RETURN(double strata, parameters.Number("strata"));
    ASSIGN_OR_RETURN(std::vector<int32_t> stratum, survival_.StratumIndex(levels));
    const SurvivalRows& rows = survival_.rows();
    const size_t k_count = event_times.size();
    const size_t per_stratum = 1 + 2 * k_count + extra_times.size();
    sums.counts.assign(static_cast<size_t>(strata) * per_stratum, 0.0);
    AppendRiskCounts(rows, stratum, static_cast<size_t>(strata), event_times, extra_times, sums.counts);
    return Contribution{};
  }

 private:
  SurvivalSite survival_;
};

Json NumberOrNull(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

class KaplanMeierHub : public ProtocolHub<KaplanMeierSite, KaplanMeierHub> {
 public:
  KaplanMeierHub(KmSpec spec, const HubContext& context)
      : ProtocolHub(KaplanMeierProtocol()), spec_(std::move(spec)), context_(context), survival_(context) {}

  SurvivalHub& survival() { return survival_; }
  StatusOr<RoundParameters> Begin() override { return Ask(kSurvivalSchema); }

  StatusOr<HubStep> AfterOpening() {
    labels_ = CombinationLabels(Keys(), spec_.names, survival_.levels());
    // At-risk times for the figure: 0 and nice steps up to the last event time.
    ticks_ = NiceTicks(0, survival_.event_times().empty() ? 0 : survival_.event_times().back(), 5);
    RoundParameters parameters;
    PutGlobalLevels(survival_.levels(), parameters);
    parameters.numbers["event_times"] = survival_.event_times();
    std::vector<double> extra = spec_.times;
    extra.insert(extra.end(), ticks_.begin(), ticks_.end());
    parameters.numbers["extra_times"] = extra;
    parameters.numbers["strata"] = {static_cast<double>(labels_.size())};
    RiskCountSums shape;
    shape.counts.resize(labels_.size() * (1 + 2 * survival_.event_times().size() + extra.size()));
    return Next(kCounts, std::move(parameters), std::move(shape));
  }

  StatusOr<HubStep> AfterCounts(RiskCountSums& pooled, const PooledRound&) {
    return HubStep::Finish(Result(pooled.counts));
  }

 private:
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (size_t v = 0; v < spec_.formula.variables.size(); ++v) {
      keys.push_back(spec_.formula.VariableLabel(static_cast<int>(v)));
    }
    return keys;
  }

  Json Result(const std::vector<double>& sum) const {
    const auto& event_times = survival_.event_times();
    const size_t k_count = event_times.size();
    const size_t requested = spec_.times.size();
    const size_t per_stratum = 1 + 2 * k_count + requested + ticks_.size();
    const double min_cell = context_.policy.min_cell_count;
    Json result;
    result["status"] = "ok";
    result["formula"] = spec_.formula.text;
    result["n"] = static_cast<int64_t>(survival_.n());
    result["events"] = static_cast<int64_t>(survival_.events());
    result["missing"] = ReleasedCount(survival_.missing(), static_cast<int>(min_cell));
    result["min_cell_count"] = static_cast<int>(min_cell);
    survival_.AddTimeNote(result);
    // A stratum of fewer than min_cell_count rows is not released (its curve, n, events and
    // median would describe those few patients); the overall n is known, so a second stratum is
    // withheld with a lone small one (privacy/cell_suppression.h).
    std::vector<double> stratum_sizes;
    for (size_t s = 0; s < labels_.size(); ++s) stratum_sizes.push_back(sum[s * per_stratum]);
    const privacy::SuppressedLine hidden = privacy::SuppressSmallGroups(stratum_sizes, static_cast<int>(min_cell));
    Json withheld = Json::array();
    Json strata = Json::array();
    Json at_risk_rows = Json::array();
    Json at_risk_labels = Json::array();
    for (size_t s = 0; s < labels_.size(); ++s) {
      const double* block = sum.data() + s * per_stratum;
      const double n = block[0];
      // An empty combination is small too (showing it absent would tell it from a rare one);
      // with min_cell_count 1 it is dropped, as survfit does.
      if (hidden.suppressed[s]) {
        withheld.push_back(labels_[s]);
        continue;
      }
      if (n == 0) continue;
      stats::KaplanMeierInput input;
      double events = 0;
      for (size_t k = 0; k < k_count; ++k) {
        if (block[2 + 2 * k] == 0) continue;
        input.times.push_back(event_times[k]);
        input.n_risk.push_back(block[1 + 2 * k]);
        input.n_event.push_back(block[2 + 2 * k]);
        events += block[2 + 2 * k];
      }
      stats::KaplanMeierCurve curve = stats::ComputeKaplanMeier(input);
      Json stratum;
      stratum["stratum"] = labels_.size() == 1 && labels_[0].empty() ? "all" : labels_[s];
      stratum["n"] = static_cast<int64_t>(n);
      stratum["events"] = static_cast<int64_t>(events);
      stratum["median"] = NumberOrNull(curve.median);
      stratum["median_lower"] = NumberOrNull(curve.median_lower);
      stratum["median_upper"] = NumberOrNull(curve.median_upper);
      Json points = Json::array();
      double previous = -INFINITY;
      for (size_t j = 0; j < requested; ++j) {
        const double tau = spec_.times[j];
        const double n_risk = block[1 + 2 * k_count + j];
        if (n_risk == 0) continue;  // beyond the last follow-up (summary.survfit drops it)
        double n_event = 0;
        for (size_t k = 0; k < input.times.size(); ++k) {
          if (input.times[k] > previous && input.times[k] <= tau) n_event += input.n_event[k];
        }
        previous = tau;
        Json point;
        point["time"] = tau;
        if (n_risk < min_cell) {
          point["n_risk"] = nullptr;
          point["suppressed"] = true;
          point["note"] = "fewer than " + std::to_string(static_cast<int>(min_cell)) + " at risk";
          points.push_back(std::move(point));
          continue;
        }
        stats::KaplanMeierStep at = stats::CurveAt(curve, tau);
        point["n_risk"] = static_cast<int64_t>(n_risk);
        point["n_event"] = static_cast<int64_t>(n_event);
        point["survival"] = at.survival;
        point["std_error"] = NumberOrNull(at.std_error);
        point["lower"] = NumberOrNull(at.lower);
        point["upper"] = NumberOrNull(at.upper);
        points.push_back(std::move(point));
      }
      stratum["points"] = std::move(points);
      Json steps = Json::array();
      size_t withheld = 0;
      for (const auto& step : curve.steps) {
        if (step.n_risk < min_cell) {
          ++withheld;
          continue;
        }
        steps.push_back({{"time", step.time},
                         {"n_risk", static_cast<int64_t>(step.n_risk)},
                         {"n_event", static_cast<int64_t>(step.n_event)},
                         {"survival", step.survival},
                         {"lower", NumberOrNull(step.lower)},
                         {"upper", NumberOrNull(step.upper)}});
      }
      stratum["curve"] = std::move(steps);
      if (withheld > 0) {
        stratum["curve_note"] = std::to_string(withheld) + " step(s) with fewer than " +
                                std::to_string(static_cast<int>(min_cell)) + " at risk are not released";
      }
      strata.push_back(std::move(stratum));
      Json row = Json::array();
      for (size_t j = 0; j < ticks_.size(); ++j) {
        double at_risk = block[1 + 2 * k_count + requested + j];
        row.push_back(privacy::IsSmallCount(at_risk, min_cell) ? Json(nullptr) : Json(static_cast<int64_t>(at_risk)));
      }
      at_risk_rows.push_back(std::move(row));
      at_risk_labels.push_back(labels_.size() == 1 && labels_[0].empty() ? "all" : labels_[s]);
    }
    result["strata"] = std::move(strata);
    if (!withheld.empty()) {
      result["withheld_strata"] = std::move(withheld);
      result["withheld_note"] = "strata withheld: fewer than " + std::to_string(static_cast<int>(min_cell)) +
                                " rows, or withheld with one that has (min_cell_count)";
    }
    result["at_risk"] = {{"times", ticks_}, {"strata", at_risk_labels}, {"n_risk", at_risk_rows}};
    return result;
  }

  KmSpec spec_;
  HubContext context_;
  SurvivalHub survival_;
  std::vector<std::string> labels_;
  std::vector<double> ticks_;
};

Status Validate(const AnalysisSpec& spec) {
  RETURN_IF_ERROR(ParseSpec(spec).status());
  ASSIGN_OR_RETURN(std::optional<privacy::PrivacyTarget> privacy, PrivacyTargetOf(spec));
  return privacy ? ValidateNoisedKaplanMeier(spec) : absl::OkStatus();
}

const Protocol<KaplanMeierSite, KaplanMeierHub>& KaplanMeierProtocol() {
  static const auto protocol =
      SurvivalProtocol<KaplanMeierSite, KaplanMeierHub>("kaplan_meier", /*disclose_event_times=*/true)
          .Add(kCounts, &KaplanMeierSite::Counts, &KaplanMeierHub::AfterCounts);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(KmSpec parsed, ParseSpec(spec));
  if (spec.Has("privacy")) return CreateNoisedKaplanMeierSite(spec, context, std::move(parsed.formula));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, FormulaColumns(parsed.formula)));
  return std::unique_ptr<SiteAnalysis>(
      new KaplanMeierSite(SurvivalSite(table, std::move(parsed.formula), spec.String("where"), context)));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(KmSpec parsed, ParseSpec(spec));
  if (spec.Has("privacy")) {
    return CreateNoisedKaplanMeierHub(spec, context, std::move(parsed.formula), std::move(parsed.names));
  }
  return std::unique_ptr<HubAnalysis>(new KaplanMeierHub(std::move(parsed), context));
}

// print(survfit) and print(summary(fit, times =)) as R's survival prints them (digits 3): the
// medians table, then for each stratum its rows at the requested times; points withheld for
// disclosure control are shown as such.
std::string Render(const Json& result) {
  constexpr int kDigits = 3;  // max(getOption("digits") - 4, 3)
  std::string text = "  " + result["formula"].get<std::string>() +
                     "   n = " + std::to_string(result["n"].get<int64_t>()) +
                     ", events = " + std::to_string(result["events"].get<int64_t>()) + "\n";
  std::vector<std::string> names;
  std::vector<std::vector<double>> medians(5);
  for (const auto& stratum : result["strata"]) {
    names.push_back(stratum["stratum"].get<std::string>());
    medians[0].push_back(stratum["n"].get<double>());
    medians[1].push_back(stratum["events"].get<double>());
    medians[2].push_back(NumberOrNan(stratum["median"]));
    medians[3].push_back(NumberOrNan(stratum["median_lower"]));
    medians[4].push_back(NumberOrNan(stratum["median_upper"]));
  }
  text += PrintNumericMatrixLikeR(names, {"n", "events", "median", "0.95LCL", "0.95UCL"}, medians, kDigits, "  ");
  for (const auto& stratum : result["strata"]) {
    if (stratum["points"].empty()) continue;
    std::vector<std::vector<double>> columns(7);
    std::vector<bool> withheld;
    for (const auto& point : stratum["points"]) {
      const bool hidden = point.value("suppressed", false);
      withheld.push_back(hidden);
      columns[0].push_back(point["time"].get<double>());
      columns[1].push_back(hidden ? NAN : NumberOrNan(point["n_risk"]));
      columns[2].push_back(hidden ? NAN : NumberOrNan(point["n_event"]));
      columns[3].push_back(hidden ? NAN : NumberOrNan(point["survival"]));
      columns[4].push_back(hidden ? NAN : NumberOrNan(point["std_error"]));
      columns[5].push_back(hidden ? NAN : NumberOrNan(point["lower"]));
      columns[6].push_back(hidden ? NAN : NumberOrNan(point["upper"]));
    }
    const auto cells = FormatColumnsLikeR(columns, kDigits, withheld, 1);
    text += "\n  " + std::string(16, ' ') + stratum["stratum"].get<std::string>() + "\n";
    text += PrintMatrixLikeR(std::vector<std::string>(withheld.size()),
                             {"time", "n.risk", "n.event", "survival", "std.err", "lower 95% CI", "upper 95% CI"},
                             cells, "  ");
  }
  if (result.contains("withheld_strata")) {
    std::vector<std::string> labels;
    for (const auto& label : result["withheld_strata"]) labels.push_back(label.get<std::string>());
    text += "  " + result["withheld_note"].get<std::string>() + ": " + JoinStrings(labels, "; ") + "\n";
  }
  if (result.contains("note")) text += "  " + result["note"].get<std::string>() + "\n";
  return text;
}

}  // namespace

const AnalysisDefinition& KaplanMeierDefinition() {
  static const AnalysisDefinition definition = {
      "kaplan_meier",
      "survival curves, as survfit(Surv(t, e) ~ strata) and summary(fit, times =)",
      {{"table", KeyKind::kString, true, "table name"},
       {"formula", KeyKind::kString, true, "Surv(time, event) ~ strata, or ~ 1"},
       {"times", KeyKind::kNumberList, false, "times for the summary table (the grid, with privacy)"},
       {"where", KeyKind::kString, false, "row filter"},
       PrivacyKeySpec()},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
