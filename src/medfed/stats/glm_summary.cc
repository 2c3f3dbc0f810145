#include "medfed/stats/glm_summary.h"

#include <cmath>

#include "medfed/stats/distributions.h"

namespace medfed::stats {

GlmSummary SummarizeGlm(GlmFamily family, const GlmFit& fit, const std::vector<std::string>& term_names,
                        double observations, bool intercept, double null_deviance) {
  GlmSummary summary;
  summary.deviance = fit.deviance;
  summary.null_deviance = null_deviance;
  summary.df_residual = observations - fit.rank;
  summary.df_null = observations - (intercept ? 1 : 0);
  const bool estimated = EstimatesDispersion(family);
  if (estimated) {
    summary.dispersion = summary.df_residual > 0 ? fit.deviance / summary.df_residual : std::nan("");
  }
  switch (family) {
    case GlmFamily::kGaussian:
      summary.aic = observations * (std::log(2 * M_PI * fit.deviance / observations) + 1) + 2 + 2 * fit.rank;
      break;
    case GlmFamily::kBinomial:
    case GlmFamily::kPoisson:
      summary.aic = -2 * fit.log_likelihood + 2 * fit.rank;
      break;
  }
  for (size_t j = 0; j < term_names.size(); ++j) {
    CoefficientRow row;
    row.term = term_names[j];
    const auto c = static_cast<Eigen::Index>(j);
    row.aliased = fit.aliased[j];
    if (row.aliased) {
      row.estimate = row.std_error = row.statistic = row.p_value = std::nan("");
    } else {
      row.estimate = fit.coefficients[c];
      row.std_error = std::sqrt(fit.covariance_unscaled(c, c) * summary.dispersion);
      row.statistic = row.estimate / row.std_error;
      row.p_value = estimated ? TwoSidedStudentP(row.statistic, summary.df_residual) : TwoSidedNormalP(row.statistic);
    }
    summary.coefficients.push_back(row);
  }
  return summary;
}

}  // namespace medfed::stats
