// Kaplan-Meier estimation from pooled counts, as R's survival::survfit with the default
// conf.type = "log" and Greenwood variance.
//
// Input per stratum: the distinct event times (ascending) with the pooled number at risk and
// number of events at each, which is all survfit needs for the step function at event times.
// The survival is S(t) = prod_{t_k <= t} (1 - d_k / n_k); the standard error of log S is
// sqrt(sum d_k / (n_k (n_k - d_k))); 95% limits are S exp(-/+ 1.96 se) with the upper capped
// at 1. summary(fit, times =) values and the median with its CI follow survival 3.5.
#pragma once

#include <vector>

namespace medfed::stats {

struct KaplanMeierInput {
  std::vector<double> times;   // distinct event times, ascending
  std::vector<double> n_risk;  // pooled number at risk at each time
  std::vector<double> n_event;
};

struct KaplanMeierStep {
  double time = 0;
  double n_risk = 0;
  double n_event = 0;
  double survival = 1;
  double std_error = 0;  // of the survival estimate (R's summary)
  double lower = 1;
  double upper = 1;
};

struct KaplanMeierCurve {
  std::vector<KaplanMeierStep> steps;  // at every time with at least one event
  double median = 0;                   // NaN when S never falls to 0.5
  double median_lower = 0;
  double median_upper = 0;
};

KaplanMeierCurve ComputeKaplanMeier(const KaplanMeierInput& input, double confidence = 0.95);

// The curve's values at time t (the last step at or before t; S = 1 before the first).
KaplanMeierStep CurveAt(const KaplanMeierCurve& curve, double t);

}  // namespace medfed::stats
