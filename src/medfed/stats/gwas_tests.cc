#include "medfed/stats/gwas_tests.h"

#include <algorithm>
#include <cmath>

#include "medfed/stats/distributions.h"
#include "medfed/stats/normal_equations.h"

namespace medfed::stats {

double HardyWeinbergExactP(int homozygous1, int heterozygous, int homozygous2) {
  const int obs_homc = std::max(homozygous1, homozygous2);
  const int obs_homr = std::min(homozygous1, homozygous2);
  const int rare = 2 * obs_homr + heterozygous;
  const int genotypes = heterozygous + obs_homc + obs_homr;
  if (genotypes == 0) return 1.0;
  std::vector<double> probabilities(static_cast<size_t>(rare) + 1, 0.0);
  int mid = static_cast<int>(static_cast<int64_t>(rare) * (2 * static_cast<int64_t>(genotypes) - rare) /
                             (2 * static_cast<int64_t>(genotypes)));
  if ((rare & 1) ^ (mid & 1)) ++mid;
  int hets = mid;
  int homr = (rare - mid) / 2;
  int homc = genotypes - hets - homr;
  probabilities[static_cast<size_t>(mid)] = 1.0;
  double sum = 1.0;
  for (hets = mid; hets > 1; hets -= 2) {
    probabilities[static_cast<size_t>(hets - 2)] =
        probabilities[static_cast<size_t>(hets)] * hets * (hets - 1.0) / (4.0 * (homr + 1.0) * (homc + 1.0));
    sum += probabilities[static_cast<size_t>(hets - 2)];
    ++homr;
    ++homc;
  }
  hets = mid;
  homr = (rare - mid) / 2;
  homc = genotypes - hets - homr;
  for (hets = mid; hets <= rare - 2; hets += 2) {
    probabilities[static_cast<size_t>(hets + 2)] =
        probabilities[static_cast<size_t>(hets)] * 4.0 * homr * homc / ((hets + 2.0) * (hets + 1.0));
    sum += probabilities[static_cast<size_t>(hets + 2)];
    --homr;
    --homc;
  }
  const double observed = probabilities[static_cast<size_t>(heterozygous)] / sum;
  double p = 0;
  // Sum the probabilities no larger than the observed one (with a relative tolerance so that
  // ties are not lost to rounding).
  for (double probability : probabilities) {
    probability /= sum;
    if (probability <= observed * (1 + 1e-9)) p += probability;
  }
  return std::min(1.0, p);
}

AllelicTest AllelicChiSquare(double case1, double case2, double control1, double control2) {
  AllelicTest test;
  const double cases = case1 + case2, controls = control1 + control2;
  const double allele1 = case1 + control1, allele2 = case2 + control2;
  const double total = cases + controls;
  test.case_frequency = cases > 0 ? case1 / cases : std::nan("");
  test.control_frequency = controls > 0 ? control1 / controls : std::nan("");
  const double denominator = cases * controls * allele1 * allele2;
  if (denominator <= 0) {
    test.chi_square = std::nan("");
    test.p_value = std::nan("");
  } else {
    const double cross = case1 * control2 - case2 * control1;
    test.chi_square = total * cross * cross / denominator;
    test.p_value = ChiSquareUpperP(test.chi_square, 1);
  }
  test.odds_ratio = (case2 * control1) > 0 ? (case1 * control2) / (case2 * control1) : std::nan("");
  return test;
}

TrendTest CochranArmitage(const std::array<double, 3>& cases, const std::array<double, 3>& controls) {
  TrendTest test;
  double r = 0, s = 0, rt = 0, nt = 0, nt2 = 0;
  for (int g = 0; g < 3; ++g) {
    const double n = cases[g] + controls[g];
    r += cases[g];
    s += controls[g];
    rt += g * cases[g];
    nt += g * n;
    nt2 += g * g * n;
  }
  const double total = r + s;
  const double variance = r * s * (total * nt2 - nt * nt);
  if (variance <= 0) {
    test.chi_square = std::nan("");
    test.p_value = std::nan("");
    return test;
  }
  const double numerator = total * rt - r * nt;
  test.chi_square = total * numerator * numerator / variance;
  test.p_value = ChiSquareUpperP(test.chi_square, 1);
  return test;
}

RegressionResult GroupedLogistic(const std::array<double, 3>& trials, const std::array<double, 3>& cases) {
  RegressionResult result;
  double total = 0, successes = 0;
  for (int g = 0; g < 3; ++g) {
    total += trials[g];
    successes += cases[g];
  }
  if (total <= 0 || successes <= 0 || successes >= total) return result;
  double a = std::log(successes / (total - successes)), b = 0;
  double previous = INFINITY;
  for (int iteration = 0; iteration < 50; ++iteration) {
    double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0, loglik = 0;
    for (int g = 0; g < 3; ++g) {
      if (trials[g] == 0) continue;
      const double eta = a + b * g;
      const double mu = 1 / (1 + std::exp(-eta));
      const double w = trials[g] * mu * (1 - mu);
      const double residual = cases[g] - trials[g] * mu;
      g0 += residual;
      g1 += residual * g;
      h00 += w;
      h01 += w * g;
      h11 += w * g * g;
      loglik += cases[g] * std::log(mu) + (trials[g] - cases[g]) * std::log1p(-mu);
    }
    const double determinant = h00 * h11 - h01 * h01;
    if (!(determinant > 0)) return result;
    const double da = (h11 * g0 - h01 * g1) / determinant;
    const double db = (h00 * g1 - h01 * g0) / determinant;
    a += da;
    b += db;
    const bool converged = std::fabs(loglik - previous) < 1e-10 * (std::fabs(loglik) + 1e-10) &&
                           std::fabs(db) < 1e-8 * (1 + std::fabs(b));
    previous = loglik;
    if (converged) {
      // Information at the estimate.
      double i00 = 0, i01 = 0, i11 = 0;
      for (int g = 0; g < 3; ++g) {
        const double mu = 1 / (1 + std::exp(-(a + b * g)));
        const double w = trials[g] * mu * (1 - mu);
        i00 += w;
        i01 += w * g;
        i11 += w * g * g;
      }
      const double det = i00 * i11 - i01 * i01;
      if (!(det > 0)) return result;
      result.ok = true;
      result.beta = b;
      result.std_error = std::sqrt(i00 / det);
      result.statistic = b / result.std_error;
      result.p_value = TwoSidedNormalP(result.statistic);
      return result;
    }
  }
  return result;
}

RegressionResult LinearFromCrossproducts(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty,
                                         double yty, double n, int index) {
  RegressionResult result;
  const Eigen::Index q = xtx.rows();
  NormalEquationsSolution solution = SolveNormalEquations(xtx, xty);
  if (solution.aliased[static_cast<size_t>(index)] || n <= solution.rank) return result;
  Eigen::VectorXd beta = solution.coefficients;
  for (Eigen::Index j = 0; j < q; ++j) {
    if (std::isnan(beta[j])) beta[j] = 0;
  }
  const double rss = yty - beta.dot(xty);
  const double df = n - solution.rank;
  const double sigma2 = std::max(rss, 0.0) / df;
  result.ok = true;
  result.beta = beta[index];
  result.std_error = std::sqrt(sigma2 * solution.inverse(index, index));
  result.statistic = result.beta / result.std_error;
  result.p_value = TwoSidedStudentP(result.statistic, df);
  return result;
}

}  // namespace medfed::stats
