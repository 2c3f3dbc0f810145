#include "medfed/stats/distributions.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

namespace medfed::stats {
namespace {

// Boost signals domain and overflow errors by returning NaN/Inf instead of throwing, so that
// no exception crosses our module boundary.
using Policy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::pole_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::promote_double<false>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double TwoSidedNormalP(double z) {
  if (std::isnan(z)) return kNaN;
  return boost::math::erfc(std::fabs(z) / std::sqrt(2.0), Policy());
}

double TwoSidedStudentP(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (std::isinf(df)) return TwoSidedNormalP(t);
  boost::math::students_t_distribution<double, Policy> distribution(df);
  return 2.0 * boost::math::cdf(boost::math::complement(distribution, std::fabs(t)));
}

double ChiSquareUpperP(double x, double df) {
  if (std::isnan(x) || !(df > 0)) return kNaN;
  if (x <= 0) return 1.0;
  return boost::math::gamma_q(df / 2.0, x / 2.0, Policy());
}

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : (p == 1 ? INFINITY : kNaN);
  boost::math::normal_distribution<double, Policy> normal;
  return boost::math::quantile(normal, p);
}

double ChiSquareQuantile(double p, double df) {
  if (!(p >= 0 && p < 1) || !(df > 0)) return kNaN;
  boost::math::chi_squared_distribution<double, Policy> distribution(df);
  return boost::math::quantile(distribution, p);
}

double GammaQuantile(double p, double shape) {
  if (!(p >= 0 && p < 1) || !(shape > 0)) return kNaN;
  boost::math::gamma_distribution<double, Policy> distribution(shape, 1.0);
  return boost::math::quantile(distribution, p);
}

double BetaQuantile(double p, double a, double b) {
  if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) return kNaN;
  boost::math::beta_distribution<double, Policy> distribution(a, b);
  return boost::math::quantile(distribution, p);
}

double LogGamma(double x) { return std::lgamma(x); }

}  // namespace medfed::stats
