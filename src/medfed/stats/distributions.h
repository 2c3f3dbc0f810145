// Distribution functions for p-values and confidence limits (Boost.Math underneath), with
// the upper tails computed directly so that tiny p-values keep their precision.
#pragma once

namespace medfed::stats {

// P(|Z| >= |z|) for a standard normal Z: 2 * pnorm(-|z|).
double TwoSidedNormalP(double z);
// P(|T| >= |t|) for Student's t with `df` degrees of freedom.
double TwoSidedStudentP(double t, double df);
// P(X >= x) for chi-square with `df` degrees of freedom: pchisq(x, df, lower = FALSE).
double ChiSquareUpperP(double x, double df);
// qnorm(p)
double NormalQuantile(double p);
// qchisq(p, df)
double ChiSquareQuantile(double p, double df);
// qgamma(p, shape, scale = 1)
double GammaQuantile(double p, double shape);
// qbeta(p, a, b)
double BetaQuantile(double p, double a, double b);
// lgamma(x)
double LogGamma(double x);

}  // namespace medfed::stats
