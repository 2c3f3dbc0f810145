#include "medfed/stats/glm_family.h"

#include <cfloat>
#include <cmath>

#include "medfed/core/text.h"

namespace medfed::stats {
namespace {

// R's binomial link clamps (src/library/stats/src/family.c).
constexpr double kThreshold = 30.0;
constexpr double kMinusThreshold = -30.0;
constexpr double kInverseEpsilon = 1.0 / DBL_EPSILON;

double YLogY(double y, double mu) { return y != 0 ? y * std::log(y / mu) : 0.0; }

}  // namespace

StatusOr<GlmFamily> ParseGlmFamily(const std::string& name) {
  std::string lower = ToLowerAscii(name);
  if (lower == "gaussian") return GlmFamily::kGaussian;
  if (lower == "binomial") return GlmFamily::kBinomial;
  if (lower == "poisson") return GlmFamily::kPoisson;
  return InvalidArgument("unknown GLM family " + QuoteForMessage(name) + "; use gaussian, binomial or poisson");
}

const char* GlmFamilyName(GlmFamily family) {
  switch (family) {
    case GlmFamily::kGaussian:
      return "gaussian";
    case GlmFamily::kBinomial:
      return "binomial";
    case GlmFamily::kPoisson:
      return "poisson";
  }
  return "";
}

const char* GlmLinkName(GlmFamily family) {
  switch (family) {
    case GlmFamily::kGaussian:
      return "identity";
    case GlmFamily::kBinomial:
      return "logit";
    case GlmFamily::kPoisson:
      return "log";
  }
  return "";
}

double LinkFunction(GlmFamily family, double mu) {
  switch (family) {
    case GlmFamily::kGaussian:
      return mu;
    case GlmFamily::kBinomial:
      return std::log(mu / (1 - mu));
    case GlmFamily::kPoisson:
      return std::log(mu);
  }
  return mu;
}

double InverseLink(GlmFamily family, double eta) {
  switch (family) {
    case GlmFamily::kGaussian:
      return eta;
    case GlmFamily::kBinomial: {
      double t = eta < kMinusThreshold ? DBL_EPSILON : (eta > kThreshold ? kInverseEpsilon : std::exp(eta));
      return t / (1 + t);
    }
    case GlmFamily::kPoisson:
      return std::max(std::exp(eta), DBL_EPSILON);
  }
  return eta;
}

double MuEta(GlmFamily family, double eta) {
  switch (family) {
    case GlmFamily::kGaussian:
      return 1.0;
    case GlmFamily::kBinomial: {
      double opexp = 1 + std::exp(eta);
      return (eta > kThreshold || eta < kMinusThreshold) ? DBL_EPSILON : std::exp(eta) / (opexp * opexp);
    }
    case GlmFamily::kPoisson:
      return std::max(std::exp(eta), DBL_EPSILON);
  }
  return 1.0;
}

double VarianceFunction(GlmFamily family, double mu) {
  switch (family) {
    case GlmFamily::kGaussian:
      return 1.0;
    case GlmFamily::kBinomial:
      return mu * (1 - mu);
    case GlmFamily::kPoisson:
      return mu;
  }
  return 1.0;
}

double DevianceResidual(GlmFamily family, double y, double mu) {
  switch (family) {
    case GlmFamily::kGaussian:
      return (y - mu) * (y - mu);
    case GlmFamily::kBinomial:
      return 2 * (YLogY(y, mu) + YLogY(1 - y, 1 - mu));
    case GlmFamily::kPoisson:
      return y > 0 ? 2 * (y * std::log(y / mu) - (y - mu)) : 2 * mu;
  }
  return 0;
}

double LogLikelihoodTerm(GlmFamily family, double y, double mu) {
  switch (family) {
    case GlmFamily::kGaussian:
      return 0;
    case GlmFamily::kBinomial:
      // dbinom(y, 1, mu, log = TRUE) for y in {0, 1}
      return y > 0.5 ? std::log(mu) : std::log1p(-mu);
    case GlmFamily::kPoisson:
      // dpois(y, mu, log = TRUE)
      return (y > 0 ? y * std::log(mu) : 0.0) - mu - std::lgamma(y + 1);
  }
  return 0;
}

double StartingMu(GlmFamily family, double y) {
  switch (family) {
    case GlmFamily::kGaussian:
      return y;
    case GlmFamily::kBinomial:
      return (y + 0.5) / 2;  // (weights * y + 0.5) / (weights + 1) with weights 1
    case GlmFamily::kPoisson:
      return y + 0.1;
  }
  return y;
}

bool ValidMu(GlmFamily family, double mu) {
  switch (family) {
    case GlmFamily::kGaussian:
      return std::isfinite(mu);
    case GlmFamily::kBinomial:
      return std::isfinite(mu) && mu > 0 && mu < 1;
    case GlmFamily::kPoisson:
      return std::isfinite(mu) && mu > 0;
  }
  return true;
}

}  // namespace medfed::stats
