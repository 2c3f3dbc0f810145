// `cox`: Cox proportional hazards with Efron (default) or Breslow ties and strata(), equal to
// R's coxph on the pooled rows (docs/protocols/cox.md).
//
// Rounds: schema and times (survival_support.h; the times round also returns the design
// columns' sums and sums of squares for standardisation), then Newton-Raphson rounds: at each
// iterate every site returns, for every stratum and pooled event time, its risk-set sums
// S0, S1, S2 and (Efron) the sums over its events at that time, all summed under secure
// aggregation; the hub evaluates the partial likelihood and replays coxph's iteration.
#include <cmath>

#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/survival/survival_support.h"
#include "medfed/core/r_format.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/stats/cox.h"
#include "medfed/stats/distributions.h"
#include "medfed/stats/standardization.h"
#include "medfed/table/design_matrix.h"

namespace medfed::analysis {
namespace {

using stats::CoxTies;

struct CoxSpec {
  table::Formula formula;     // as written (for labels)
  table::Formula covariates;  // without strata(), intercept forced for R's coding
  SurvivalTerms terms;
  CoxTies ties = CoxTies::kEfron;
};

StatusOr<CoxSpec> ParseSpec(const AnalysisSpec& spec) {
  CoxSpec parsed;
  ASSIGN_OR_RETURN(parsed.formula, ParseSurvivalFormula(spec.String("formula")));
  parsed.terms = SplitSurvivalTerms(parsed.formula);
  parsed.covariates = parsed.formula.WithoutStrata();
  // coxph codes factors as if there were an intercept and then drops its column.
  parsed.covariates.intercept = true;
  if (parsed.covariates.terms.empty()) {
    return InvalidArgument("formula " + QuoteForMessage(parsed.formula.text) +
                           " has no covariates; a Cox model needs at least one");
  }
  const std::string ties = ToLowerAscii(spec.String("ties", "efron"));
  if (ties == "efron") {
    parsed.ties = CoxTies::kEfron;
  } else if (ties == "breslow") {
    parsed.ties = CoxTies::kBreslow;
  } else {
    return InvalidArgument("ties = " + QuoteForMessage(ties) + " is not known; use efron or breslow");
  }
  return parsed;
}

std::vector<std::string> StrataKeys(const CoxSpec& spec) {
  std::vector<std::string> keys;
  for (int v : spec.terms.strata) keys.push_back(spec.formula.VariableLabel(v));
  return keys;
}

// The protocol: the survival schema round; the times round, which also sends the covariates'
// moments (for the standardisation); then Newton rounds of the sums of stats::CoxSumsLayout.
struct CoxTimesSums {
  EventSums times;
  std::vector<double> column_sums;
  std::vector<double> column_squares;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("times", times);
    fields("column_sums", column_sums);
    fields("column_squares", column_squares);
  }
};
struct CoxNewtonSums {
  std::vector<double> sums;  // laid out as stats::CoxSumsLayout says
  template <class Fields>
  void Layout(Fields& fields) {
    fields("sums", sums);
  }
};
inline constexpr Phase<CoxTimesSums> kCoxTimes{"times"};
inline constexpr Phase<CoxNewtonSums> kNewton{"newton"};

class CoxSite;
class CoxHub;
const Protocol<CoxSite, CoxHub>& CoxProtocol();

class CoxSite : public ProtocolSite<CoxSite, CoxHub> {
 public:
  CoxSite(SurvivalSite survival, CoxSpec spec)
      : ProtocolSite(CoxProtocol()), survival_(std::move(survival)), spec_(std::move(spec)) {}

  StatusOr<Contribution> Schema(const RoundParameters&, FrameCountSums& sums) { return survival_.Schema(sums); }

  StatusOr<Contribution> Times(const RoundParameters& parameters, CoxTimesSums& sums) {
    ASSIGN_OR_RETURN(Contribution contribution, survival_.Times(parameters, sums.times));
    if (contribution.refusal) return contribution;
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(table::DesignLayout layout, table::MakeDesignLayout(spec_.covariates, levels));
    ASSIGN_OR_RETURN(Eigen::MatrixXd design,
                     table::BuildDesignMatrix(survival_.frame(), spec_.covariates, layout, levels));
    design_ = design.rightCols(design.cols() - 1);  // drop the intercept, as coxph
    names_.assign(layout.column_names.begin() + 1, layout.column_names.end());
    ASSIGN_OR_RETURN(strata_, survival_.CombinationIndex(spec_.terms.strata, levels));
    const SiteContext& context = survival_.context();
    const size_t n = survival_.rows().time.size();
    const auto p = static_cast<size_t>(design_.cols());
    if (n > 0 && static_cast<double>(p) > context.policy.glm_max_parameter_fraction * n) {
      return Contribution::Refuse("glm_max_parameter_fraction",
                                  "site " + context.data.site() + ": the model has more than " +
                                      FormatSignificant(context.policy.glm_max_parameter_fraction, 3) +
                                      " x rows parameters (glm_max_parameter_fraction)");
    }
    for (Eigen::Index j = 0; j < design_.cols(); ++j) {
      bool binary = true;
      double ones = 0;
      for (Eigen::Index i = 0; i < design_.rows() && binary; ++i) {
        double x = design_(i, j);
        binary = x == 0 || x == 1;
        ones += x;
      }
      if (!binary) continue;
      const double zeros = static_cast<double>(n) - ones;
      for (double count : {ones, zeros}) {
        if (privacy::IsSmallCount(count, context.policy.min_cell_count)) {
          return Contribution::Refuse("min_cell_count", "site " + context.data.site() +
                                                            ": a 0/1 column of the model has fewer than " +
                                                            std::to_string(context.policy.min_cell_count) +
                                                            " rows of one value (min_cell_count)");
        }
      }
    }
    if (auto refusal = RefuseIfDominated(design_, names_, nullptr, "", context)) return *refusal;
    for (Eigen::Index j = 0; j < design_.cols(); ++j) {
      sums.column_sums.push_back(design_.col(j).sum());
      sums.column_squares.push_back(design_.col(j).squaredNorm());
    }
    return contribution;
  }

  StatusOr<Contribution> Newton(const RoundParameters& parameters, CoxNewtonSums& sums) {
    ASSIGN_OR_RETURN(std::vector<double> event_times, parameters.Numbers("event_times"));
    ASSIGN_OR_RETURN(std::vector<double> beta, parameters.Numbers("beta"));
    ASSIGN_OR_RETURN(double strata, parameters.Number("strata"));
    if (!site_data_) {
      ASSIGN_OR_RETURN(std::vector<double> centers, parameters.Numbers("centers"));
      ASSIGN_OR_RETURN(std::vector<double> scales, parameters.Numbers("scales"));
      if (centers.size() != static_cast<size_t>(design_.cols())) {
        return InvalidArgument("standardisation does not match the design");
      }
      for (Eigen::Index j = 0; j < design_.cols(); ++j) {
        design_.col(j).array() -= centers[static_cast<size_t>(j)];
        design_.col(j) /= scales[static_cast<size_t>(j)];
      }
      site_data_ = std::make_unique<stats::CoxSiteData>(std::move(design_), survival_.rows().time,
                                                        survival_.rows().event, strata_, static_cast<size_t>(strata));
    }
    Eigen::VectorXd coefficients = Eigen::Map<Eigen::VectorXd>(beta.data(), static_cast<Eigen::Index>(beta.size()));
    RETURN_IF_ERROR(site_data_->AppendSums(coefficients, event_times, spec_.ties, sums.sums));
    return Contribution{};
  }

 private:
  SurvivalSite survival_;
  CoxSpec spec_;
  Eigen::MatrixXd design_;
  std::vector<std::string> names_;
  std::vector<int32_t> strata_;
  std::unique_ptr<stats::CoxSiteData> site_data_;
};

Json TestJson(double statistic, int df) {
  return {{"statistic", statistic}, {"df", df}, {"p_value", stats::ChiSquareUpperP(statistic, df)}};
}

class CoxHub : public ProtocolHub<CoxSite, CoxHub> {
 public:
  CoxHub(CoxSpec spec, const HubContext& context)
      : ProtocolHub(CoxProtocol()), spec_(std::move(spec)), survival_(context) {}

  StatusOr<RoundParameters> Begin() override { return Ask(kSurvivalSchema); }

  StatusOr<HubStep> AfterSchema(FrameCountSums& pooled, const PooledRound& round) {
    RETURN_IF_ERROR(survival_.AfterSchema(pooled, round));
    ASSIGN_OR_RETURN(layout_, table::MakeDesignLayout(spec_.covariates, survival_.levels()));
    CoxTimesSums shape;
    shape.column_sums.resize(layout_.columns() - 1);
    shape.column_squares.resize(layout_.columns() - 1);
    return Next(kCoxTimes, survival_.TimesParameters(), std::move(shape));
  }

  StatusOr<HubStep> AfterTimes(CoxTimesSums& pooled, const PooledRound& round) {
    RETURN_IF_ERROR(survival_.AfterTimes(pooled.times, round));
    if (survival_.events() == 0) return InvalidArgument("there are no events at any site");
    const size_t p = layout_.columns() - 1;
    const std::vector<double>& sums = pooled.column_sums;
    const std::vector<double>& squares = pooled.column_squares;
    // Centre and scale (no intercept column: pretend one so that columns are centred).
    std::vector<double> padded_sums = {survival_.n()}, padded_squares = {survival_.n()};
    padded_sums.insert(padded_sums.end(), sums.begin(), sums.end());
    padded_squares.insert(padded_squares.end(), squares.begin(), squares.end());
    stats::ColumnStandardization standardization =
        stats::ColumnStandardization::FromMoments(padded_sums, padded_squares, survival_.n(), 0);
    centers_.assign(standardization.centers().begin() + 1, standardization.centers().end());
    scales_.assign(standardization.scales().begin() + 1, standardization.scales().end());
    strata_ = CombinationLabels(StrataKeys(spec_), StrataKeys(spec_), survival_.levels()).size();
    layout_sums_.parameters = p;
    layout_sums_.strata = strata_;
    layout_sums_.times = survival_.event_times().size();
    layout_sums_.ties = spec_.ties;
    newton_.emplace(p);
    return NewtonRound();
  }

  StatusOr<HubStep> AfterNewton(CoxNewtonSums& pooled, const PooledRound&) {
    const Eigen::VectorXd& beta = newton_->point();
    stats::CoxDerivatives derivatives = stats::CoxFromPooledSums(pooled.sums, layout_sums_, beta);
    ASSIGN_OR_RETURN(bool more, newton_->Update(derivatives));
    if (more) return NewtonRound();
    return HubStep::Finish(Result());
  }

 private:
  HubStep NewtonRound() {
    CoxNewtonSums shape;
    shape.sums.resize(layout_sums_.Size());
    return Next(kNewton, NewtonParameters(), std::move(shape));
  }

  RoundParameters NewtonParameters() const {
    RoundParameters parameters;
    parameters.numbers["event_times"] = survival_.event_times();
    const Eigen::VectorXd& beta = newton_->point();
    parameters.numbers["beta"] = std::vector<double>(beta.data(), beta.data() + beta.size());
    parameters.numbers["centers"] = centers_;
    parameters.numbers["scales"] = scales_;
    parameters.numbers["strata"] = {static_cast<double>(strata_)};
    return parameters;
  }

  Json Result() const {
    const stats::CoxFit& fit = newton_->Result();
    const size_t p = centers_.size();
    const double z = stats::NormalQuantile(0.975);
    Json result;
    result["status"] = "ok";
    result["formula"] = spec_.formula.text;
    result["ties"] = spec_.ties == CoxTies::kEfron ? "efron" : "breslow";
    result["n"] = static_cast<int64_t>(survival_.n());
    result["events"] = static_cast<int64_t>(survival_.events());
    result["missing"] = ReleasedCount(survival_.missing(), survival_.min_cell_count());
    result["log_likelihood"] = fit.log_likelihood;
    result["log_likelihood_null"] = fit.log_likelihood_null;
    result["iterations"] = fit.iterations;
    result["converged"] = fit.converged;
    Json coefficients = Json::array();
    int df = 0;
    double wald = 0;
    // Wald statistic b' I b over the estimable coefficients (invariant to the scaling).
    Eigen::VectorXd standardized = fit.coefficients;
    for (Eigen::Index j = 0; j < standardized.size(); ++j) {
      if (std::isnan(standardized[j])) standardized[j] = 0;
    }
    wald = standardized.dot(fit.information * standardized);
    for (size_t j = 0; j < p; ++j) {
      const auto c = static_cast<Eigen::Index>(j);
      Json row;
      row["term"] = layout_.column_names[j + 1];
      if (fit.aliased[j]) {
        for (const char* key : {"estimate", "hazard_ratio", "std_error", "statistic", "p_value", "lower", "upper"}) {
          row[key] = nullptr;
        }
        row["aliased"] = true;
        coefficients.push_back(std::move(row));
        continue;
      }
      ++df;
      const double estimate = fit.coefficients[c] / scales_[j];
      const double std_error = std::sqrt(fit.variance(c, c)) / scales_[j];
      row["estimate"] = estimate;
      row["hazard_ratio"] = std::exp(estimate);
      row["std_error"] = std_error;
      row["statistic"] = estimate / std_error;
      row["p_value"] = stats::TwoSidedNormalP(estimate / std_error);
      row["lower"] = std::exp(estimate - z * std_error);
      row["upper"] = std::exp(estimate + z * std_error);
      coefficients.push_back(std::move(row));
    }
    result["coefficients"] = std::move(coefficients);
    result["tests"] = {{"likelihood_ratio", TestJson(2 * (fit.log_likelihood - fit.log_likelihood_null), df)},
                       {"wald", TestJson(wald, df)},
                       {"score", TestJson(fit.score_test, df)}};
    if (!fit.warnings.empty()) result["warnings"] = fit.warnings;
    survival_.AddTimeNote(result);
    return result;
  }

  CoxSpec spec_;
  SurvivalHub survival_;
  table::DesignLayout layout_;
  std::vector<double> centers_, scales_;
  size_t strata_ = 1;
  stats::CoxSumsLayout layout_sums_;
  std::optional<stats::CoxNewton> newton_;
};

Status Validate(const AnalysisSpec& spec) { return ParseSpec(spec).status(); }

const Protocol<CoxSite, CoxHub>& CoxProtocol() {
  static const auto protocol = Protocol<CoxSite, CoxHub>("cox")
                                   .Add(kSurvivalSchema, &CoxSite::Schema, &CoxHub::AfterSchema)
                                   .Add(kCoxTimes, &CoxSite::Times, &CoxHub::AfterTimes)
                                   .Add(kNewton, &CoxSite::Newton, &CoxHub::AfterNewton);
  return protocol;
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(CoxSpec parsed, ParseSpec(spec));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, FormulaColumns(parsed.formula)));
  table::Formula formula = parsed.formula;
  return std::unique_ptr<SiteAnalysis>(
      new CoxSite(SurvivalSite(table, std::move(formula), spec.String("where"), context), std::move(parsed)));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(CoxSpec parsed, ParseSpec(spec));
  return std::unique_ptr<HubAnalysis>(new CoxHub(std::move(parsed), context));
}

// print.summary.coxph's printout, as R's survival prints it (digits 4): the counts, the
// coefficient table (printCoefmat), the hazard ratios with exp(-coef) and 95% intervals, and the
// three tests. Concordance is not computed (it compares every pair of patients, across sites).
std::string Render(const Json& result) {
  constexpr int kDigits = 4;  // max(getOption("digits") - 3, 3)
  CoefficientTable table;
  table.column_names = {"coef", "exp(coef)", "se(coef)", "z", "Pr(>|z|)"};
  table.columns.resize(5);
  std::vector<std::vector<double>> ratios(4);
  for (const auto& row : result["coefficients"]) {
    table.row_names.push_back(row["term"].get<std::string>());
    const bool aliased = row.value("aliased", false);
    const double hazard_ratio = aliased ? NAN : NumberOrNan(row["hazard_ratio"]);
    const std::vector<double> values = {
        aliased ? NAN : NumberOrNan(row["estimate"]), hazard_ratio, aliased ? NAN : NumberOrNan(row["std_error"]),
        aliased ? NAN : NumberOrNan(row["statistic"]), aliased ? NAN : NumberOrNan(row["p_value"])};
    for (size_t c = 0; c < values.size(); ++c) table.columns[c].push_back(values[c]);
    ratios[0].push_back(hazard_ratio);
    ratios[1].push_back(1 / hazard_ratio);
    ratios[2].push_back(aliased ? NAN : NumberOrNan(row["lower"]));
    ratios[3].push_back(aliased ? NAN : NumberOrNan(row["upper"]));
  }
  std::string text = "  " + result["formula"].get<std::string>() + "  (ties " + result["ties"].get<std::string>() +
                     ")\n    n= " + std::to_string(result["n"].get<int64_t>()) +
                     ", number of events= " + std::to_string(result["events"].get<int64_t>()) + "\n";
  if (!result["missing"].is_number() || result["missing"].get<int64_t>() > 0) {
    text += "     (" + ReleasedCountText(result["missing"]) + " observations deleted due to missingness)\n";
  }
  text += "\n" + PrintCoefficientTableLikeR(table, kDigits, "  ");
  text += "\n" + PrintNumericMatrixLikeR(table.row_names, {"exp(coef)", "exp(-coef)", "lower .95", "upper .95"}, ratios,
                                         kDigits, "  ");
  text += "\n  (Concordance is not computed: it compares every pair of patients, which are at different sites.)\n";
  const auto& tests = result["tests"];
  for (const auto& [name, label] :
       {std::pair{"likelihood_ratio", "Likelihood ratio test= "}, std::pair{"wald", "Wald test            = "},
        std::pair{"score", "Score (logrank) test = "}}) {
    text += "  " + std::string(label) +
            FormatLikeR({RoundLikeR(tests[name]["statistic"].get<double>(), 2)}, kDigits)[0] + "  on " +
            std::to_string(tests[name]["df"].get<int>()) +
            " df,   p=" + FormatPValuesLikeR({tests[name]["p_value"].get<double>()}, 1)[0] + "\n";
  }
  text += "\n  log-likelihood " + FormatSignificant(result["log_likelihood"].get<double>(), 8) + " (null " +
          FormatSignificant(result["log_likelihood_null"].get<double>(), 8) + "), " +
          std::to_string(result["iterations"].get<int>()) + " iterations\n";
  if (result.contains("note")) text += "  " + result["note"].get<std::string>() + "\n";
  return text;
}

}  // namespace

const AnalysisDefinition& CoxDefinition() {
  static const AnalysisDefinition definition = {
      "cox",
      "Cox proportional hazards, as coxph(Surv(t, e) ~ x + strata(s), ties =)",
      {{"table", KeyKind::kString, true, "table name"},
       {"formula", KeyKind::kString, true, "Surv(time, event) ~ covariates [+ strata(s)]"},
       {"ties", KeyKind::kString, false, "efron (default) or breslow"},
       {"where", KeyKind::kString, false, "row filter"}},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
