#include "medfed/stats/kaplan_meier.h"

#include <cmath>
#include <limits>

#include "medfed/stats/distributions.h"

namespace medfed::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// survival:::minmin: the first time the curve y falls below 0.5 (within a tolerance); when it
// sits exactly at 0.5, the midpoint to the next time it drops.
double MinMin(const std::vector<double>& y, const std::vector<double>& x) {
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
  std::vector<double> kept_y;
  std::vector<double> kept_x;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isnan(y[i]) && y[i] < 0.5 + tolerance) {
      kept_y.push_back(y[i]);
      kept_x.push_back(x[i]);
    }
  }
  if (kept_y.empty()) return kNaN;
  if (std::fabs(kept_y[0] - 0.5) < tolerance) {
    for (size_t i = 1; i < kept_y.size(); ++i) {
      if (kept_y[i] < kept_y[0]) return (kept_x[0] + kept_x[i]) / 2;
    }
  }
  return kept_x[0];
}

}  // namespace

KaplanMeierCurve ComputeKaplanMeier(const KaplanMeierInput& input, double confidence) {
  KaplanMeierCurve curve;
  const double z = NormalQuantile(1 - (1 - confidence) / 2);
  double survival = 1;
  double greenwood = 0;  // sum d / (n (n - d))
  std::vector<double> times, surv, lower, upper;
  for (size_t k = 0; k < input.times.size(); ++k) {
    const double n = input.n_risk[k];
    const double d = input.n_event[k];
    if (d <= 0) continue;
    KaplanMeierStep step;
    step.time = input.times[k];
    step.n_risk = n;
    step.n_event = d;
    survival *= 1 - d / n;
    greenwood += n > d ? d / (n * (n - d)) : std::numeric_limits<double>::infinity();
    step.survival = survival;
    const double log_se = std::sqrt(greenwood);
    if (survival > 0 && std::isfinite(log_se)) {
      step.std_error = survival * log_se;
      step.lower = survival * std::exp(-z * log_se);
      step.upper = std::min(1.0, survival * std::exp(z * log_se));
    } else {
      // survfit: once S reaches 0 the standard error and the limits are undefined.
      step.std_error = kNaN;
      step.lower = kNaN;
      step.upper = kNaN;
    }
    curve.steps.push_back(step);
    times.push_back(step.time);
    surv.push_back(step.survival);
    lower.push_back(step.lower);
    upper.push_back(step.upper);
  }
  curve.median = MinMin(surv, times);
  // The lower band falls below 0.5 first: it gives the lower limit of the median.
  curve.median_lower = MinMin(lower, times);
  curve.median_upper = MinMin(upper, times);
  return curve;
}

KaplanMeierStep CurveAt(const KaplanMeierCurve& curve, double t) {
  KaplanMeierStep at;
  at.time = t;
  for (const auto& step : curve.steps) {
    if (step.time > t) break;
    at = step;
    at.time = t;
  }
  return at;
}

}  // namespace medfed::stats
