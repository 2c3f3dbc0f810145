// R's summary.glm from a finished fit: standard errors, z or t statistics, p-values, the
// dispersion, residual and null degrees of freedom, and AIC.
#pragma once

#include <string>
#include <vector>

#include "medfed/stats/glm_family.h"
#include "medfed/stats/glm_irls.h"

namespace medfed::stats {

struct CoefficientRow {
  std::string term;
  double estimate = 0;
  double std_error = 0;
  double statistic = 0;  // z (binomial, poisson) or t (gaussian)
  double p_value = 0;
  bool aliased = false;  // R prints NA for all four
};

struct GlmSummary {
  std::vector<CoefficientRow> coefficients;
  double dispersion = 1;
  double df_residual = 0;
  double df_null = 0;
  double aic = 0;
  double deviance = 0;
  double null_deviance = 0;
};

GlmSummary SummarizeGlm(GlmFamily family, const GlmFit& fit, const std::vector<std::string>& term_names,
                        double observations, bool intercept, double null_deviance);

}  // namespace medfed::stats
