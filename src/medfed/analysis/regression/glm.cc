// `glm`: gaussian, binomial and poisson GLMs by federated IRLS, equal to R's glm() on the pooled
// rows (docs/protocols/glm.md).
//
// Rounds:
//   schema   sites reveal the factor levels present among their complete rows; the hub unites
//            them so that every site builds the same design columns
//   moments  pooled column sums and sums of squares -> the standardisation the sites apply
//            before accumulating cross-products (stats/standardization.h); pooled mean of y
//   irls     each round: deviance, log-likelihood, X'WX and X'Wz at the current coefficients;
//            the hub replays glm.fit (stats/glm_irls.h)
//   null     only with an offset and an intercept: the intercept-only fit R uses for the null
//            deviance
// Site checks before anything is masked: minimum rows, parameters <= fraction * rows, and
// every binary column and a binary response having at least min_cell_count of each value.
#include <cmath>

#include "medfed/analysis/engine/model_rounds.h"
#include "medfed/analysis/engine/registry.h"
#include "medfed/analysis/engine/released_count.h"
#include "medfed/analysis/engine/round_protocol.h"
#include "medfed/core/r_format.h"
#include "medfed/core/text.h"
#include "medfed/core/text_table.h"
#include "medfed/stats/distributions.h"
#include "medfed/stats/glm_family.h"
#include "medfed/stats/glm_irls.h"
#include "medfed/stats/glm_summary.h"
#include "medfed/stats/standardization.h"
#include "medfed/table/design_matrix.h"
#include "medfed/table/evaluator.h"

namespace medfed::analysis {
namespace {

using stats::GlmFamily;

constexpr char kResponseLabel[] = "(response)";

// What exp(coefficient) is for a family and link: an odds ratio (logit), a rate ratio (log);
// "" where exponentiating means nothing in particular.
std::string RatioName(const std::string& family, const std::string& link) {
  if (link == "logit") return "OR";
  if (link == "log") return family == "poisson" ? "RR" : "";
  return "";
}

int InterceptColumn(const table::DesignLayout& layout) { return layout.intercept ? 0 : -1; }

// The protocol's layouts (the rounds are described at the top of this file).
struct MomentSums {
  std::vector<double> column_sums;
  std::vector<double> column_squares;
  double response_sum = 0;
  double rows = 0;
  template <class Fields>
  void Layout(Fields& fields) {
    fields("column_sums", column_sums);
    fields("column_squares", column_squares);
    fields("response_sum", response_sum);
    fields("rows", rows);
  }
};
struct IrlsRoundSums {
  IrlsField irls;
  double null_deviance = 0;  // pieces of R's null deviance, in the first IRLS round
  template <class Fields>
  void Layout(Fields& fields) {
    fields("irls", irls);
    fields("null_deviance", null_deviance);
  }
};
struct NullModelSums {
  IrlsField irls = IrlsField::Shaped(1);
  template <class Fields>
  void Layout(Fields& fields) {
    fields("irls", irls);
  }
};
inline constexpr Phase<FrameCountSums> kSchema{"schema"};
inline constexpr Phase<MomentSums> kMoments{"moments"};
inline constexpr Phase<IrlsRoundSums> kIrls{"irls"};
inline constexpr Phase<NullModelSums> kNull{"null"};

class GlmSite;
class GlmHub;
const Protocol<GlmSite, GlmHub>& GlmProtocol();

class GlmSite : public ProtocolSite<GlmSite, GlmHub> {
 public:
  GlmSite(std::shared_ptr<const table::Table> table, table::Formula formula, std::string where, GlmFamily family,
          SiteContext context)
      : ProtocolSite(GlmProtocol()),
        table_(std::move(table)),
        formula_(std::move(formula)),
        where_(std::move(where)),
        family_(family),
        context_(context) {}

  StatusOr<Contribution> Schema(const RoundParameters&, FrameCountSums& sums) {
    ASSIGN_OR_RETURN(selected_, table::SelectRows(where_, *table_));
    ASSIGN_OR_RETURN(table::ModelFrame frame, table::ModelFrame::Build(formula_, *table_, selected_));
    frame_ = std::make_unique<table::ModelFrame>(std::move(frame));
    if (auto refusal = RefuseIfTooFewRows(frame_->rows(), context_)) return *refusal;
    Contribution contribution;
    std::vector<table::VariableSchema> schemas = frame_->Schemas(context_.policy.min_cell_count);
    const table::RowValues& response = frame_->response_parts().at(0);
    if (response.kind == table::RowValues::Kind::kFactor) {
      table::VariableSchema schema;
      schema.label = kResponseLabel;
      schema.is_factor = true;
      schema.level_order = response.level_order;
      schema.levels = response.levels;
      schemas.push_back(std::move(schema));
    }
    DiscloseSchemas(schemas, contribution);
    sums.rows = static_cast<double>(frame_->rows());
    sums.missing = static_cast<double>(frame_->missing());
    return contribution;
  }

  // The response as numbers, validated for the family; errors name the file and line.
  StatusOr<Eigen::VectorXd> Response(const table::GlobalLevels& levels) {
    const table::RowValues& response = frame_->response_parts().at(0);
    const size_t n = frame_->rows();
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    const std::string what = "response " + formula_.response->Deparse();
    auto line_of = [&](size_t i) {
      return table_->source() + ":" + std::to_string(table_->LineOfRow(frame_->source_rows()[i]));
    };
    if (response.kind == table::RowValues::Kind::kFactor) {
      if (family_ != GlmFamily::kBinomial) {
        return InvalidArgument(formula_.text + ": " + what + " is categorical; a " + stats::GlmFamilyName(family_) +
                               " GLM needs a numeric response");
      }
      auto found = levels.find(kResponseLabel);
      if (found == levels.end() || found->second.levels.empty()) {
        return Internal("response levels missing");
      }
      // R: for a factor response the first level is failure, all others success.
      const std::string& failure = found->second.levels[0];
      for (size_t i = 0; i < n; ++i) {
        y[static_cast<Eigen::Index>(i)] =
            response.levels[static_cast<size_t>(response.codes[i])] == failure ? 0.0 : 1.0;
      }
      return y;
    }
    for (size_t i = 0; i < n; ++i) {
      double value = response.kind == table::RowValues::Kind::kNumeric ? response.numbers[i] : response.logicals[i];
      if (family_ == GlmFamily::kBinomial && (value < 0 || value > 1)) {
        return InvalidArgument(line_of(i) + ": " + what + " is " + FormatSignificant(value, 6) +
                               "; a binomial GLM needs 0/1, TRUE/FALSE or a two-level factor "
                               "(y values must be 0 <= y <= 1)");
      }
      if (family_ == GlmFamily::kPoisson && value < 0) {
        return InvalidArgument(line_of(i) + ": " + what + " is " + FormatSignificant(value, 6) +
                               "; negative values are not allowed for the poisson family");
      }
      y[static_cast<Eigen::Index>(i)] = value;
    }
    return y;
  }

  StatusOr<Contribution> Moments(const RoundParameters& parameters, MomentSums& sums) {
    if (!frame_) return FailedPrecondition("glm: the moments round came before the schema round");
    ASSIGN_OR_RETURN(table::GlobalLevels levels, GetGlobalLevels(parameters));
    ASSIGN_OR_RETURN(table::DesignLayout layout, table::MakeDesignLayout(formula_, levels));
    ASSIGN_OR_RETURN(design_, table::BuildDesignMatrix(*frame_, formula_, layout, levels));
    ASSIGN_OR_RETURN(response_, Response(levels));
    offset_ = Eigen::Map<const Eigen::VectorXd>(frame_->offset().data(), static_cast<Eigen::Index>(frame_->rows()));
    const size_t n = frame_->rows();
    const size_t p = layout.columns();
    if (n > 0 && static_cast<double>(p) > context_.policy.glm_max_parameter_fraction * n) {
      return Contribution::Refuse("glm_max_parameter_fraction",
                                  "site " + context_.data.site() + ": the model has more than " +
                                      FormatSignificant(context_.policy.glm_max_parameter_fraction, 3) +
                                      " x rows parameters (glm_max_parameter_fraction)");
    }
    if (auto refusal = CheckBinaryCounts(layout)) return *refusal;
    const std::string response_name = formula_.response->Deparse();
    if (auto refusal = RefuseIfDominated(design_, layout.column_names, &response_, response_name, context_)) {
      return *refusal;
    }
    Contribution contribution;
    contribution.released_rows.push_back(
        MakeSelectedRows(*table_, selected_, frame_->source_rows(), FormulaColumns(formula_)));
    for (Eigen::Index j = 0; j < design_.cols(); ++j) {
      sums.column_sums.push_back(design_.col(j).sum());
      sums.column_squares.push_back(design_.col(j).squaredNorm());
    }
    sums.response_sum = response_.sum();
    sums.rows = static_cast<double>(n);
    return contribution;
  }

  // DataSHIELD's rule: a binary column (or binary response) with fewer than min_cell_count
  // rows of either value at a site could single out those rows.
  std::optional<Contribution> CheckBinaryCounts(const table::DesignLayout& layout) {
    const double minimum = context_.policy.min_cell_count;
    // The reason names neither the column nor its level: a level's name and a count under a
    // filter would both describe the few patients behind it.
    auto check = [&](const Eigen::VectorXd& column) -> std::optional<Contribution> {
      double ones = 0;
      for (Eigen::Index i = 0; i < column.size(); ++i) {
        if (column[i] != 0 && column[i] != 1) return std::nullopt;  // not binary
        ones += column[i];
      }
      double zeros = static_cast<double>(column.size()) - ones;
      for (double count : {ones, zeros}) {
        if (privacy::IsSmallCount(count, static_cast<int>(minimum))) {
          return Contribution::Refuse("min_cell_count",
                                      "site " + context_.data.site() + ": a 0/1 column of the model or the response " +
                                          "has fewer than " + std::to_string(static_cast<int>(minimum)) +
                                          " rows of one value (min_cell_count)");
        }
      }
      return std::nullopt;
    };
    for (Eigen::Index j = 0; j < design_.cols(); ++j) {
      if (layout.intercept && j == 0) continue;
      if (auto refusal = check(design_.col(j))) {
        return refusal;
      }
    }
    if (family_ == GlmFamily::kBinomial) {
      if (auto refusal = check(response_)) return refusal;
    }
    return std::nullopt;
  }

  StatusOr<Contribution> Irls(const RoundParameters& parameters, IrlsRoundSums& round) {
    if (!frame_) return FailedPrecondition("glm: an IRLS round came before the schema round");
    if (!standardized_) {
      ASSIGN_OR_RETURN(std::vector<double> centers, parameters.Numbers("centers"));
      ASSIGN_OR_RETURN(std::vector<double> scales, parameters.Numbers("scales"));
      ASSIGN_OR_RETURN(double intercept, parameters.Number("intercept_column"));
      if (centers.size() != static_cast<size_t>(design_.cols()) || scales.size() != centers.size()) {
        return InvalidArgument("standardisation does not match the design");
      }
      standardization_ = stats::ColumnStandardization::FromParameters(centers, scales, static_cast<int>(intercept));
      standardization_.Apply(design_);
      standardized_ = true;
    }
    Contribution contribution;
    stats::IrlsSums sums;
    if (parameters.Has("beta")) {
      ASSIGN_OR_RETURN(std::vector<double> beta, parameters.Numbers("beta"));
      Eigen::VectorXd coefficients = Eigen::Map<Eigen::VectorXd>(beta.data(), static_cast<Eigen::Index>(beta.size()));
      if (coefficients.size() != design_.cols()) return InvalidArgument("coefficients do not match the design");
      sums = stats::ComputeIrlsSums(family_, design_, response_, offset_, &coefficients);
    } else {
      sums = stats::ComputeIrlsSums(family_, design_, response_, offset_, nullptr);
    }
    round.irls = IrlsField::Of(std::move(sums));
    // Null deviance pieces: around a constant mean, or around the offset alone.
    double null_deviance = 0;
    if (parameters.Has("null_mu")) {
      ASSIGN_OR_RETURN(double null_mu, parameters.Number("null_mu"));
      for (Eigen::Index i = 0; i < response_.size(); ++i) {
        null_deviance += stats::DevianceResidual(family_, response_[i], null_mu);
      }
    } else if (parameters.Has("null_from_offset")) {
      for (Eigen::Index i = 0; i < response_.size(); ++i) {
        null_deviance += stats::DevianceResidual(family_, response_[i], stats::InverseLink(family_, offset_[i]));
      }
    }
    round.null_deviance = null_deviance;
    return contribution;
  }

  StatusOr<Contribution> NullModel(const RoundParameters& parameters, NullModelSums& round) {
    if (!frame_) return FailedPrecondition("glm: a null-model round came before the schema round");
    Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(design_.rows(), 1);
    stats::IrlsSums sums;
    if (parameters.Has("beta")) {
      ASSIGN_OR_RETURN(std::vector<double> beta, parameters.Numbers("beta"));
      Eigen::VectorXd coefficients = Eigen::Map<Eigen::VectorXd>(beta.data(), 1);
      sums = stats::ComputeIrlsSums(family_, ones, response_, offset_, &coefficients);
    } else {
      // R starts the null fit at the main model's fitted values.
      ASSIGN_OR_RETURN(std::vector<double> main, parameters.Numbers("main_beta"));
      Eigen::VectorXd coefficients = Eigen::Map<Eigen::VectorXd>(main.data(), static_cast<Eigen::Index>(main.size()));
      Eigen::VectorXd eta = design_ * coefficients + offset_;
      Eigen::VectorXd fitted(eta.size());
      for (Eigen::Index i = 0; i < eta.size(); ++i) fitted[i] = stats::InverseLink(family_, eta[i]);
      sums = stats::ComputeIrlsSums(family_, ones, response_, offset_, nullptr, &fitted);
    }
    round.irls = IrlsField::Of(std::move(sums));
    return Contribution{};
  }

 private:
  std::shared_ptr<const table::Table> table_;
  table::Formula formula_;
  std::string where_;
  GlmFamily family_;
  SiteContext context_;
  std::unique_ptr<table::ModelFrame> frame_;
  std::vector<uint32_t> selected_;  // rows under `where`
  Eigen::MatrixXd design_;
  Eigen::VectorXd response_;
  Eigen::VectorXd offset_;
  stats::ColumnStandardization standardization_;
  bool standardized_ = false;
};

class GlmHub : public ProtocolHub<GlmSite, GlmHub> {
 public:
  GlmHub(table::Formula formula, GlmFamily family, double epsilon, int max_iterations, const HubContext& context)
      : ProtocolHub(GlmProtocol()),
        formula_(std::move(formula)),
        family_(family),
        epsilon_(epsilon),
        max_iterations_(max_iterations),
        context_(context) {}

  StatusOr<RoundParameters> Begin() override { return Ask(kSchema); }

  StatusOr<HubStep> AfterSchema(FrameCountSums& pooled, const PooledRound& round) {
    n_ = pooled.rows;
    missing_ = pooled.missing;
    ASSIGN_OR_RETURN(levels_, UniteDisclosedSchemas(round));
    ASSIGN_OR_RETURN(layout_, table::MakeDesignLayout(formula_, levels_));
    if (n_ == 0) {
      std::vector<std::string> variables;
      if (formula_.response) variables.push_back(formula_.response->Deparse());
      for (size_t v = 0; v < formula_.variables.size(); ++v) {
        variables.push_back(formula_.VariableLabel(static_cast<int>(v)));
      }
      return InvalidArgument("no rows are left at any site: every row lacks a value of at least one of " +
                             JoinStrings(variables, ", ") + ", or the where filter selects none" +
                             table::DescribeVariablesWithoutValues(levels_));
    }
    MomentSums shape;
    shape.column_sums.resize(layout_.columns());
    shape.column_squares.resize(layout_.columns());
    return Next(kMoments, WithLevels(), std::move(shape));
  }

  StatusOr<HubStep> AfterMoments(MomentSums& pooled, const PooledRound&) {
    const size_t p = layout_.columns();
    sum_y_ = pooled.response_sum;
    standardization_ = stats::ColumnStandardization::FromMoments(pooled.column_sums, pooled.column_squares, n_,
                                                                 InterceptColumn(layout_));
    controller_.emplace(family_, p, epsilon_, max_iterations_);
    RoundParameters next = IrlsParameters();
    if (layout_.intercept && formula_.offsets.empty()) {
      next.numbers["null_mu"] = {sum_y_ / n_};  // R: wtdmu = sum(w y) / sum(w)
    } else if (!layout_.intercept) {
      next.numbers["null_from_offset"] = {1};
    }
    return Next(kIrls, std::move(next), IrlsShape());
  }

  StatusOr<HubStep> AfterIrls(IrlsRoundSums& pooled, const PooledRound&) {
    if (controller_->AtStart()) null_deviance_ = pooled.null_deviance;
    ASSIGN_OR_RETURN(bool more, controller_->Update(pooled.irls.sums));
    if (more) return Next(kIrls, IrlsParameters(), IrlsShape());
    fit_ = controller_->Result();
    if (layout_.intercept && !formula_.offsets.empty()) {
      null_controller_.emplace(family_, 1, epsilon_, max_iterations_);
      RoundParameters next = WithLevels();
      Eigen::VectorXd main = fit_.coefficients;
      for (Eigen::Index j = 0; j < main.size(); ++j) {
        if (std::isnan(main[j])) main[j] = 0;
      }
      next.numbers["main_beta"] = std::vector<double>(main.data(), main.data() + main.size());
      return Next(kNull, std::move(next));
    }
    return HubStep::Finish(Result());
  }

  StatusOr<HubStep> AfterNull(NullModelSums& pooled, const PooledRound&) {
    ASSIGN_OR_RETURN(bool more, null_controller_->Update(pooled.irls.sums));
    if (more) {
      RoundParameters next = WithLevels();
      next.numbers["beta"] = {null_controller_->point()[0]};
      return Next(kNull, std::move(next));
    }
    null_deviance_ = null_controller_->Result().deviance;
    return HubStep::Finish(Result());
  }

 private:
  RoundParameters WithLevels() const {
    RoundParameters parameters;
    PutGlobalLevels(levels_, parameters);
    return parameters;
  }

  IrlsRoundSums IrlsShape() const {
    IrlsRoundSums shape;
    shape.irls = IrlsField::Shaped(layout_.columns());
    return shape;
  }

  RoundParameters IrlsParameters() const {
    RoundParameters parameters = WithLevels();
    parameters.numbers["centers"] = standardization_.centers();
    parameters.numbers["scales"] = standardization_.scales();
    parameters.numbers["intercept_column"] = {static_cast<double>(InterceptColumn(layout_))};
    if (!controller_->AtStart()) {
      const Eigen::VectorXd& beta = controller_->point();
      parameters.numbers["beta"] = std::vector<double>(beta.data(), beta.data() + beta.size());
    }
    return parameters;
  }

  Json Result() {
    // Back from the standardised parametrisation to the design's.
    stats::GlmFit fit = fit_;
    fit.coefficients = standardization_.Coefficients(fit_.coefficients);
    fit.covariance_unscaled = standardization_.Covariance(fit_.covariance_unscaled);
    stats::GlmSummary summary =
        stats::SummarizeGlm(family_, fit, layout_.column_names, n_, layout_.intercept, null_deviance_);
    Json result;
    result["status"] = "ok";
    result["family"] = stats::GlmFamilyName(family_);
    result["link"] = stats::GlmLinkName(family_);
    result["formula"] = formula_.text;
    result["n"] = static_cast<int64_t>(n_);
    result["missing"] = ReleasedCount(missing_, context_.policy.min_cell_count);
    result["deviance"] = summary.deviance;
    result["null_deviance"] = summary.null_deviance;
    result["df_residual"] = summary.df_residual;
    result["df_null"] = summary.df_null;
    result["aic"] = summary.aic;
    result["dispersion"] = summary.dispersion;
    result["iterations"] = fit.iterations;
    result["converged"] = fit.converged;
    Json coefficients = Json::array();
    for (const auto& row : summary.coefficients) {
      Json coefficient;
      coefficient["term"] = row.term;
      if (row.aliased) {
        coefficient["estimate"] = nullptr;
        coefficient["std_error"] = nullptr;
        coefficient["statistic"] = nullptr;
        coefficient["p_value"] = nullptr;
        coefficient["aliased"] = true;
      } else {
        coefficient["estimate"] = row.estimate;
        coefficient["std_error"] = row.std_error;
        coefficient["statistic"] = row.statistic;
        coefficient["p_value"] = row.p_value;
        // 95% Wald interval, as R's confint.default(); exponentiated for log and logit links.
        const double z = stats::NormalQuantile(0.975);
        coefficient["conf_low"] = row.estimate - z * row.std_error;
        coefficient["conf_high"] = row.estimate + z * row.std_error;
        if (!RatioName(stats::GlmFamilyName(family_), stats::GlmLinkName(family_)).empty()) {
          coefficient["exp_estimate"] = std::exp(row.estimate);
          coefficient["exp_conf_low"] = std::exp(row.estimate - z * row.std_error);
          coefficient["exp_conf_high"] = std::exp(row.estimate + z * row.std_error);
        }
      }
      coefficients.push_back(std::move(coefficient));
    }
    result["coefficients"] = std::move(coefficients);
    if (!fit.warnings.empty()) result["warnings"] = fit.warnings;
    return result;
  }

  table::Formula formula_;
  GlmFamily family_;
  double epsilon_;
  int max_iterations_;
  HubContext context_;
  double n_ = 0;
  double missing_ = 0;
  double sum_y_ = 0;
  double null_deviance_ = 0;
  table::GlobalLevels levels_;
  table::DesignLayout layout_;
  stats::ColumnStandardization standardization_;
  std::optional<stats::IrlsController> controller_;
  std::optional<stats::IrlsController> null_controller_;
  stats::GlmFit fit_;
};

const Protocol<GlmSite, GlmHub>& GlmProtocol() {
  static const auto protocol = Protocol<GlmSite, GlmHub>("glm")
                                   .Add(kSchema, &GlmSite::Schema, &GlmHub::AfterSchema)
                                   .Add(kMoments, &GlmSite::Moments, &GlmHub::AfterMoments)
                                   .Add(kIrls, &GlmSite::Irls, &GlmHub::AfterIrls)
                                   .Add(kNull, &GlmSite::NullModel, &GlmHub::AfterNull);
  return protocol;
}

StatusOr<table::Formula> ParseGlmFormula(const AnalysisSpec& spec) {
  ASSIGN_OR_RETURN(table::Formula formula, table::ParseFormula(spec.String("formula")));
  if (!formula.response) {
    return InvalidArgument("formula " + QuoteForMessage(formula.text) + " has no response; write y ~ terms");
  }
  if (formula.response->IsCall("Surv")) {
    return InvalidArgument("formula " + QuoteForMessage(formula.text) +
                           ": Surv() is for survival analyses; use type = \"cox\"");
  }
  if (!formula.StrataTerms().empty()) {
    return InvalidArgument("formula " + QuoteForMessage(formula.text) + ": strata() is only for survival analyses");
  }
  return formula;
}

// R's glm.control(epsilon, maxit).
struct GlmControl {
  double epsilon = 1e-8;
  int max_iterations = 25;
};

StatusOr<GlmControl> ParseGlmControl(const AnalysisSpec& spec) {
  GlmControl control;
  control.epsilon = spec.Number("epsilon", control.epsilon);
  const double maxit = spec.Number("maxit", control.max_iterations);
  if (!(control.epsilon > 0 && control.epsilon < 1)) {
    return InvalidArgument(spec.Describe() + ": epsilon must be between 0 and 1 (R's glm.control default 1e-8)");
  }
  if (!(maxit >= 1 && maxit <= 1000) || maxit != std::floor(maxit)) {
    return InvalidArgument(spec.Describe() + ": maxit must be a whole number from 1 to 1000 (R's default 25)");
  }
  control.max_iterations = static_cast<int>(maxit);
  return control;
}

Status Validate(const AnalysisSpec& spec) {
  auto formula = ParseGlmFormula(spec);
  if (!formula.ok()) return formula.status();
  if (auto control = ParseGlmControl(spec); !control.ok()) return control.status();
  auto family = stats::ParseGlmFamily(spec.String("family", "gaussian"));
  if (!family.ok()) return family.status();
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<SiteAnalysis>> CreateSite(const AnalysisSpec& spec, SiteContext& context) {
  ASSIGN_OR_RETURN(table::Formula formula, ParseGlmFormula(spec));
  ASSIGN_OR_RETURN(GlmFamily family, stats::ParseGlmFamily(spec.String("family", "gaussian")));
  ASSIGN_OR_RETURN(auto table, LoadAnalysisTable(spec, context, FormulaColumns(formula)));
  return std::unique_ptr<SiteAnalysis>(new GlmSite(table, std::move(formula), spec.String("where"), family, context));
}

StatusOr<std::unique_ptr<HubAnalysis>> CreateHub(const AnalysisSpec& spec, const HubContext& context) {
  ASSIGN_OR_RETURN(table::Formula formula, ParseGlmFormula(spec));
  ASSIGN_OR_RETURN(GlmFamily family, stats::ParseGlmFamily(spec.String("family", "gaussian")));
  ASSIGN_OR_RETURN(GlmControl control, ParseGlmControl(spec));
  return std::unique_ptr<HubAnalysis>(
      new GlmHub(std::move(formula), family, control.epsilon, control.max_iterations, context));
}

// summary.glm's printout, as R 4 prints it (print.summary.glm with digits = 4, printCoefmat),
// followed by exp(coef) with Wald intervals for log and logit links.
std::string Render(const Json& result) {
  constexpr int kDigits = 4;  // print.summary.glm: max(3, getOption("digits") - 3)
  const std::string family = result["family"].get<std::string>();
  const std::string link = result["link"].get<std::string>();
  const bool t_statistics = family == "gaussian";
  std::vector<std::string> terms;
  std::vector<double> estimates, errors, statistics, p_values;
  for (const auto& coefficient : result["coefficients"]) {
    terms.push_back(coefficient["term"].get<std::string>());
    estimates.push_back(NumberOrNan(coefficient["estimate"]));
    errors.push_back(NumberOrNan(coefficient["std_error"]));
    statistics.push_back(NumberOrNan(coefficient["statistic"]));
    p_values.push_back(NumberOrNan(coefficient["p_value"]));
  }
  std::string text = "  " + result["formula"].get<std::string>() + "  (family " + family + ", link " + link + ")\n";
  CoefficientTable table;
  table.row_names = terms;
  table.column_names = {"Estimate", "Std. Error", t_statistics ? "t value" : "z value",
                        t_statistics ? "Pr(>|t|)" : "Pr(>|z|)"};
  table.columns = {estimates, errors, statistics, p_values};
  text += "  Coefficients:\n" + PrintCoefficientTableLikeR(table, kDigits, "  ");
  text += "\n  (Dispersion parameter for " + family + " family taken to be " +
          FormatLikeR({result["dispersion"].get<double>()}, 7)[0] + ")\n\n";
  std::vector<std::string> deviances =
      FormatLikeR({result["null_deviance"].get<double>(), result["deviance"].get<double>()}, kDigits + 1);
  std::vector<std::string> dfs = FormatLikeR({result["df_null"].get<double>(), result["df_residual"].get<double>()}, 7);
  for (auto* pair : {&deviances, &dfs}) {
    const size_t width = std::max((*pair)[0].size(), (*pair)[1].size());
    for (auto& entry : *pair) entry = std::string(width - entry.size(), ' ') + entry;
  }
  text += "      Null deviance: " + deviances[0] + "  on " + dfs[0] + "  degrees of freedom\n";
  text += "  Residual deviance: " + deviances[1] + "  on " + dfs[1] + "  degrees of freedom\n";
  if (!result["missing"].is_number() || result["missing"].get<int64_t>() > 0) {
    text += "    (" + ReleasedCountText(result["missing"]) + " observations deleted due to missingness)\n";
  }
  text += "  AIC: " + FormatLikeR({result["aic"].get<double>()}, std::max(4, kDigits + 1))[0] + "\n\n";
  text += "  Number of Fisher Scoring iterations: " + std::to_string(result["iterations"].get<int>()) + "\n";
  if (result.contains("warnings")) {
    for (const auto& warning : result["warnings"]) text += "  Warning: " + warning.get<std::string>() + "\n";
  }
  // Ratios with their 95% Wald intervals, each column formatted as print() formats a matrix's.
  const std::string ratio = RatioName(family, link);
  if (!ratio.empty()) {
    std::vector<double> point, low, high;
    for (const auto& coefficient : result["coefficients"]) {
      point.push_back(NumberOrNan(coefficient.value("exp_estimate", Json())));
      low.push_back(NumberOrNan(coefficient.value("exp_conf_low", Json())));
      high.push_back(NumberOrNan(coefficient.value("exp_conf_high", Json())));
    }
    text += "\n  " + std::string(ratio == "OR" ? "Odds" : "Rate") + " ratios with 95% Wald intervals (R: exp(cbind(" +
            ratio + " = coef(fit), confint.default(fit)))):\n" +
            PrintNumericMatrixLikeR(terms, {ratio, "2.5 %", "97.5 %"}, {point, low, high}, 7, "  ");
  }
  return text;
}

}  // namespace

const AnalysisDefinition& GlmDefinition() {
  static const AnalysisDefinition definition = {
      "glm",
      "generalised linear model by federated IRLS, as glm(formula, family)",
      {{"table", KeyKind::kString, true, "table name"},
       {"formula", KeyKind::kString, true, "R formula, e.g. y ~ age + factor(stage)"},
       {"family", KeyKind::kString, false, "gaussian (default), binomial or poisson"},
       {"epsilon", KeyKind::kNumber, false,
        "convergence tolerance on the relative deviance change (R's glm.control, 1e-8)"},
       {"maxit", KeyKind::kNumber, false, "most IRLS iterations (R's glm.control, 25)"},
       {"where", KeyKind::kString, false, "row filter"}},
      Validate,
      CreateSite,
      CreateHub,
      Render};
  return definition;
}

}  // namespace medfed::analysis
