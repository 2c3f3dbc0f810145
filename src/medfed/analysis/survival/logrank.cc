// `logrank`: the log-rank test, as R's survdiff(Surv(t, e) ~ group [+ strata(s)]). Rounds:
// schema and times (survival_support.h), then per stratum and group the pooled number at risk
// and of events at every pooled event time.
#include "medfed/stats/logrank.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/survival/survival_support.h"
#include "medfed/core/r_format.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/privacy/cell_suppression.h"

namespace medfed::analysis {
namespace {

struct LogRankSpec {
  table::Formula formula;
  std::vector<std::string> names;
  SurvivalTerms terms;
};

StatusOr<LogRankSpec> ParseSpec(const AnalysisSpec& spec) {
  LogRankSpec parsed;
  ASSIGN_OR_RETURN(parsed.formula, ParseSurvivalFormula(spec.String("formula")));
  parsed.names = MakeGroupingFactors(parsed.formula);
  parsed.terms = SplitSurvivalTerms(parsed.formula);
  if (parsed.terms.others.empty()) {
    return InvalidArgument("formula " + QuoteForMessage(parsed.formula.text) +
                           ": the log-rank test compares groups; write Surv(time, event) ~ group");
  }
  return parsed;
}

std::vector<std::string> KeysOf(const table::Formula& formula, const std::vector<int>& variables) {
  std::vector<std::string> keys;
  for (int v : variables) keys.push_back(formula.VariableLabel(v));
  return keys;
}

std::vector<std::string> NamesOf(const std::vector<std::string>& names, const std::vector<int>& variables) {
  std::vector<std::string> selected;
  for (int v : variables) selected.push_back(names[static_cast<size_t>(v)]);
  return selected;
}

// The protocol: the survival opening, then the risk counts per stratum and group.
inline constexpr Phase<RiskCountSums> kCounts{"counts"};

class LogRankSite;
class LogRankHub;
const Protocol<LogRankSite, LogRankHub>& LogRankProtocol();

class LogRankSite : public ProtocolSite<LogRankSite, LogRankHub> {
 public:
  LogRankSite(SurvivalSite survival, SurvivalTerms terms)
      : ProtocolSite(LogRankProtocol()), survival_(std::move(survival)), terms_(std::move(terms)) {}

  SurvivalSite& survival() { return survival_; }

  StatusOr<Contribution> Counts(const RoundParameters& parameters, RiskCountSums& sums) {
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(std::vector<double> event_times, parameters.Numbers("event_times"));
    ASSIGN_OR_RETURN(double strata, parameters.Number("strata"));
    ASSIGN_OR_RETURN(double groups, parameters.Number("groups"));
    ASSIGN_OR_RETURN(std::vector<int32_t> stratum, survival_.CombinationIndex(terms_.strata, levels));
    ASSIGN_OR_RETURN(std::vector<int32_t> group, survival_.CombinationIndex(terms_.others, levels));
    std::vector<int32_t> cell(group.size());
    for (size_t i = 0; i < cell.size(); ++i) {
      cell[i] = stratum[i] * static_cast<int32_t>(groups) + group[i];
    }
    const auto cells = static_cast<size_t>(strata * groups);
    sums.counts.assign(cells * (1 + 2 * event_times.size()), 0.0);
    AppendRiskCounts(survival_.rows(), cell, cells, event_times, {}, sums.counts);
    return Contribution{};
  }

 private:
  SurvivalSite survival_;
  SurvivalTerms terms_;
};

class LogRankHub : public ProtocolHub<LogRankSite, LogRankHub> {
 public:
  LogRankHub(LogRankSpec spec, const HubContext& context)
      : ProtocolHub(LogRankProtocol()),
        spec_(std::move(spec)),
        survival_(context),
        min_cell_count_(context.policy.min_cell_count) {}

  SurvivalHub& survival() { return survival_; }
  StatusOr<RoundParameters> Begin() override { return Ask(kSurvivalSchema); }

  StatusOr<HubStep> AfterOpening() {
    group_labels_ = CombinationLabels(KeysOf(spec_.formula, spec_.terms.others),
                                      NamesOf(spec_.names, spec_.terms.others), survival_.levels());
    strata_count_ = CombinationLabels(KeysOf(spec_.formula, spec_.terms.strata),
                                      NamesOf(spec_.names, spec_.terms.strata), survival_.levels())
                        .size();
    RoundParameters parameters;
    PutGlobalLevels(survival_.levels(), parameters);
    parameters.numbers["event_times"] = survival_.event_times();
    parameters.numbers["strata"] = {static_cast<double>(strata_count_)};
    parameters.numbers["groups"] = {static_cast<double>(group_labels_.size())};
    RiskCountSums shape;
    shape.counts.resize(strata_count_ * group_labels_.size() * (1 + 2 * survival_.event_times().size()));
    return Next(kCounts, std::move(parameters), std::move(shape));
  }

  StatusOr<HubStep> AfterCounts(RiskCountSums& pooled, const PooledRound&) {
    const size_t groups = group_labels_.size();
    const size_t k_count = survival_.event_times().size();
    const size_t block = 1 + 2 * k_count;
    stats::LogRankInput input;
    std::vector<double> n(groups, 0);
    input.n_risk.assign(strata_count_, std::vector<std::vector<double>>(k_count, std::vector<double>(groups)));
    input.n_event = input.n_risk;
    for (size_t s = 0; s < strata_count_; ++s) {
      for (size_t g = 0; g < groups; ++g) {
        const double* cell = pooled.counts.data() + (s * groups + g) * block;
        n[g] += cell[0];
        for (size_t k = 0; k < k_count; ++k) {
          input.n_risk[s][k][g] = cell[1 + 2 * k];
          input.n_event[s][k][g] = cell[2 + 2 * k];
        }
      }
    }
    // Groups absent from the data are dropped, as survdiff does.
    std::vector<size_t> present;
    for (size_t g = 0; g < groups; ++g) {
      if (n[g] > 0) present.push_back(g);
    }
    for (auto& stratum : input.n_risk) {
      for (auto& at_time : stratum) {
        std::vector<double> kept;
        for (size_t g : present) kept.push_back(at_time[g]);
        at_time = kept;
      }
    }
    for (auto& stratum : input.n_event) {
      for (auto& at_time : stratum) {
        std::vector<double> kept;
        for (size_t g : present) kept.push_back(at_time[g]);
        at_time = kept;
      }
    }
    stats::LogRankResult test = stats::ComputeLogRank(input, static_cast<int>(present.size()));
    Json result;
    result["status"] = "ok";
    result["formula"] = spec_.formula.text;
    result["n"] = static_cast<int64_t>(survival_.n());
    result["events"] = static_cast<int64_t>(survival_.events());
    result["missing"] = ReleasedCount(survival_.missing(), min_cell_count_);
    result["statistic"] = test.statistic;
    result["df"] = test.df;
    result["p_value"] = test.p_value;
    // A group of fewer than min_cell_count rows is not shown (its N, observed and expected
    // events describe those few patients); with a lone one, a second group is withheld too, as
    // the totals are released. The test itself is over every group, as survdiff's.
    std::vector<double> present_sizes;
    for (size_t g : present) present_sizes.push_back(n[g]);
    const privacy::SuppressedLine hidden = privacy::SuppressSmallGroups(present_sizes, min_cell_count_);
    Json group_rows = Json::array();
    for (size_t i = 0; i < present.size(); ++i) {
      if (hidden.suppressed[i]) {
        group_rows.push_back({{"group", group_labels_[present[i]]}, {"suppressed", true}});
        continue;
      }
      group_rows.push_back({{"group", group_labels_[present[i]]},
                            {"n", static_cast<int64_t>(n[present[i]])},
                            {"observed", test.observed[i]},
                            {"expected", test.expected[i]},
                            {"variance", test.variance[i][i]}});
    }
    result["groups"] = std::move(group_rows);
    if (hidden.any()) {
      result["withheld_note"] = "groups marked withheld have fewer than " + std::to_string(min_cell_count_) +
                                " rows, or are withheld with one that has (min_cell_count)";
    }
    survival_.AddTimeNote(result);
    return HubStep::Finish(std::move(result));
  }

 private:
  LogRankSpec spec_;
  SurvivalHub survival_;
  std::vector<std::string> group_labels_;
  size_t strata_count_ = 1;
  int min_cell_count_;
};

Status Validate(const AnalysisSpec& spec) { return ParseSpec(spec).status(); }

const Protocol<LogRankSite, LogRankHub>& LogRankProtocol() {
  static const auto protocol = SurvivalProtocol<LogRankSite, LogRankHub>("logrank", /*disclose_event_times=*/true)
                                   .Add(kCounts, &LogRankSite::Counts, &LogRankHub::AfterCounts);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(LogRankSpec parsed, ParseSpec(spec));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, FormulaColumns(parsed.formula)));
  SurvivalTerms terms = parsed.terms;
  return std::unique_ptr<SiteAnalysis>(
      new LogRankSite(SurvivalSite(table, std::move(parsed.formula), spec.String("where"), context), terms));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(LogRankSpec parsed, ParseSpec(spec));
  return std::unique_ptr<HubAnalysis>(new LogRankHub(std::move(parsed), context));
}

// print.survdiff's table and test line, as R prints them (digits 3; each column formatted on its
// own), with medfed's withheld groups shown as such.
std::string Render(const Json& result) {
  constexpr int kDigits = 3;  // print.survdiff: max(getOption("digits") - 4, 3)
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns(5);
  std::vector<bool> withheld;
  for (const auto& group : result["groups"]) {
    names.push_back(group["group"].get<std::string>());
    const bool hidden = group.value("suppressed", false);
    withheld.push_back(hidden);
    const double o = hidden ? NAN : group["observed"].get<double>();
    const double e = hidden ? NAN : group["expected"].get<double>();
    const double v = hidden || !group.contains("variance") ? NAN : group["variance"].get<double>();
    columns[0].push_back(hidden ? NAN : group["n"].get<double>());
    columns[1].push_back(o);
    columns[2].push_back(e);
    columns[3].push_back((o - e) * (o - e) / e);
    columns[4].push_back((o - e) * (o - e) / v);
  }
  const auto cells = FormatColumnsLikeR(columns, kDigits, withheld, 0);
  std::string text = "  " + result["formula"].get<std::string>() + "\n";
  text += PrintMatrixLikeR(names, {"N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"}, cells, "  ");
  text += "\n   Chisq= " + FormatLikeR({RoundLikeR(result["statistic"].get<double>(), 1)}, kDigits)[0] + "  on " +
          std::to_string(result["df"].get<int>()) +
          " degrees of freedom, p= " + FormatPValuesLikeR({result["p_value"].get<double>()}, 1)[0] + "\n";
  if (result.contains("withheld_note")) text += "  " + result["withheld_note"].get<std::string>() + "\n";
  return text;
}

}  // namespace

const AnalysisDefinition& LogRankDefinition() {
  static const AnalysisDefinition definition = {
      "logrank",
      "log-rank test, as survdiff(Surv(t, e) ~ group [+ strata(s)])",
      {{"table", KeyKind::kString, true, "table name"},
       {"formula", KeyKind::kString, true, "Surv(time, event) ~ group [+ strata(s)]"},
       {"where", KeyKind::kString, false, "row filter"}},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
