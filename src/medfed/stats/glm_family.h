// GLM families with their canonical links, as R's gaussian(), binomial() and poisson():
// the same clamping constants, deviance residuals, starting values and AIC, so that a
// federated fit reproduces R's glm.fit iteration by iteration.
#pragma once

#include <string>

#include "medfed/core/status.h"

namespace medfed::stats {

enum class GlmFamily { kGaussian, kBinomial, kPoisson };

StatusOr<GlmFamily> ParseGlmFamily(const std::string& name);
const char* GlmFamilyName(GlmFamily family);
const char* GlmLinkName(GlmFamily family);

double LinkFunction(GlmFamily family, double mu);
double InverseLink(GlmFamily family, double eta);
// d mu / d eta
double MuEta(GlmFamily family, double eta);
double VarianceFunction(GlmFamily family, double mu);
// One observation's deviance residual (weight 1): R's family$dev.resids.
double DevianceResidual(GlmFamily family, double y, double mu);
// One observation's log-likelihood for binomial (0/1) and poisson; 0 for gaussian (whose AIC
// is computed from the deviance).
double LogLikelihoodTerm(GlmFamily family, double y, double mu);
// R's family$initialize: mustart from y.
double StartingMu(GlmFamily family, double y);
// R's family$validmu.
bool ValidMu(GlmFamily family, double mu);
// Whether the dispersion is estimated (gaussian) or fixed at 1.
inline bool EstimatesDispersion(GlmFamily family) { return family == GlmFamily::kGaussian; }

}  // namespace medfed::stats
