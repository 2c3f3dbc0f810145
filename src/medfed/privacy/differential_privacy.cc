#include "medfed/privacy/differential_privacy.h"

#include <cmath>
#include <cstdio>

#include "medfed/privacy/discrete_gaussian.h"

namespace medfed::privacy {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Each site's sigma is at least 2, where the distributed bound's correction is negligible and
// the discrete Gaussian's variance equals sigma^2 to within 1e-30.
constexpr int64_t kMinSiteVariance = 4;

double Tau(double variance, int honest_sites) {
  double sum = 0;
  for (int k = 1; k < honest_sites; ++k) {
    sum += std::exp(-2 * kPi * kPi * variance * k / (k + 1.0));
  }
  return 10 * sum;
}

}  // namespace

Status ValidatePrivacyTarget(const PrivacyTarget& target) {
  if (!(target.epsilon > 0) || target.epsilon > 20) {
    return InvalidArgument("privacy epsilon must be above 0 and at most 20 (smaller is more private; 1 is common)");
  }
  if (!(target.delta > 0) || target.delta >= 0.01) {
    return InvalidArgument("privacy delta must be above 0 and below 0.01, and well below 1/rows (1e-6 is common)");
  }
  return absl::OkStatus();
}

double ZcdpForApproximateDp(const PrivacyTarget& target) {
  const double log_term = std::log(1 / target.delta);
  const double root = std::sqrt(log_term + target.epsilon) - std::sqrt(log_term);
  return root * root;
}

double EpsilonForZcdp(double rho, double delta) {
  if (rho <= 0) return 0;
  return rho + 2 * std::sqrt(rho * std::log(1 / delta));
}

double DistributedGaussianRho(const std::vector<NoiseGroup>& groups, const std::vector<int64_t>& site_variance,
                              int honest_sites) {
  double rho = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto variance = static_cast<double>(site_variance[g]);
    const auto sensitivity = static_cast<double>(groups[g].sensitivity);
    const double epsilon =
        sensitivity / std::sqrt(honest_sites * variance) + Tau(variance, honest_sites) * std::sqrt(sensitivity);
    rho += epsilon * epsilon / 2;
  }
  return rho;
}

StatusOr<NoiseCalibration> CalibrateDistributedNoise(const std::vector<NoiseGroup>& groups, double rho, int sites) {
  if (!(rho > 0)) return InvalidArgument("the privacy cost must be positive");
  if (sites < 1) return InvalidArgument("differential privacy needs at least one site");
  for (const auto& group : groups) {
    if (group.sensitivity < 1) return InvalidArgument("a noise group needs a sensitivity of at least 1");
  }
  const int honest = sites > 1 ? sites - 1 : 1;
  // Without the correction, G groups at sigma_g = sensitivity_g * scale cost G / (2 m scale^2).
  double scale = std::sqrt(static_cast<double>(groups.size()) / (2 * honest * rho));
  NoiseCalibration calibration;
  for (int attempt = 0; attempt < 100; ++attempt, scale *= 1.01) {
    calibration.site_variance.clear();
    bool too_large = false;
    for (const auto& group : groups) {
      const double sigma = static_cast<double>(group.sensitivity) * scale;
      const double variance = std::ceil(sigma * sigma);
      too_large = too_large || variance > static_cast<double>(DiscreteGaussianSampler::kMaxVariance);
      calibration.site_variance.push_back(std::max(kMinSiteVariance, static_cast<int64_t>(variance)));
    }
    if (too_large) {
      return InvalidArgument(
          "the noise this privacy target needs is beyond the sampler's range; ask for a larger "
          "epsilon or narrower bounds");
    }
    calibration.rho = DistributedGaussianRho(groups, calibration.site_variance, honest);
    if (calibration.rho <= rho) {
      for (int64_t variance : calibration.site_variance) {
        calibration.pooled_variance.push_back(static_cast<double>(variance) * sites);
      }
      return calibration;
    }
  }
  return Internal("could not calibrate the noise for rho " + std::to_string(rho));
}

std::string DescribePrivacy(double rho, double delta) {
  char text[96];
  std::snprintf(text, sizeof text, "epsilon %.3g at delta %.3g", EpsilonForZcdp(rho, delta), delta);
  return text;
}

}  // namespace medfed::privacy
