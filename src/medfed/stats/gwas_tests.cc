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
    probabilities[static_cast<size_t>(hets) + 2] =
        probabilities[static_cast<size_t>(hets)] * 4.0 * homr * homc / ((hets + 2.0) * (hets + 1.0));
    sum += probabilities[static_cast<size_t>(hets) + 2];
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

namespace {

// The noise's variance of a mean of per-person values k (0, 1, 2) over the genotype counts
// `counts`, each with noise of variance `noise_variance`, divided by `scale` (1 for a dosage, 2
// for a frequency).
double NoiseVarianceOfMean(const std::array<double, 3>& counts, double noise_variance, double scale) {
  const double total = counts[0] + counts[1] + counts[2];
  if (total <= 0) return INFINITY;
  const double mean = (counts[1] + 2 * counts[2]) / total;
  double squares = 0;
  for (int k = 0; k < 3; ++k) squares += (k - mean) * (k - mean);
  return noise_variance * squares / (total * total * scale * scale);
}

// chi^2 = d^2 / V becomes d^2 / (V + noise).
void Deflate(double& chi_square, double& p_value, double sampling_variance, double noise_variance) {
  if (!std::isfinite(chi_square) || !(sampling_variance > 0)) return;
  chi_square *= sampling_variance / (sampling_variance + noise_variance);
  p_value = ChiSquareUpperP(chi_square, 1);
}

}  // namespace

AllelicTest NoisedAllelicChiSquare(const std::array<double, 3>& cases, const std::array<double, 3>& controls,
                                   double noise_variance) {
  const double case1 = 2 * cases[2] + cases[1], case2 = 2 * cases[0] + cases[1];
  const double control1 = 2 * controls[2] + controls[1], control2 = 2 * controls[0] + controls[1];
  AllelicTest test = AllelicChiSquare(case1, case2, control1, control2);
  if (noise_variance <= 0) return test;
  // Pearson's 2 x 2 chi-square is (F_A - F_U)^2 / (f (1 - f) (1/alleles_A + 1/alleles_U)).
  const double alleles_case = case1 + case2, alleles_control = control1 + control2;
  const double pooled = (case1 + control1) / (alleles_case + alleles_control);
  const double sampling = pooled * (1 - pooled) * (1 / alleles_case + 1 / alleles_control);
  const double noise = NoiseVarianceOfMean(cases, noise_variance, 2) + NoiseVarianceOfMean(controls, noise_variance, 2);
  Deflate(test.chi_square, test.p_value, sampling, noise);
  return test;
}

TrendTest NoisedCochranArmitage(const std::array<double, 3>& cases, const std::array<double, 3>& controls,
                                double noise_variance) {
  TrendTest test = CochranArmitage(cases, controls);
  if (noise_variance <= 0) return test;
  // Armitage's chi-square is (m_A - m_U)^2 / (v (1/R + 1/S)), v the pooled dosage variance
  // (divisor N), R and S the cases and controls.
  double r = 0, s = 0, sum = 0, squares = 0;
  for (int g = 0; g < 3; ++g) {
    r += cases[g];
    s += controls[g];
    sum += g * (cases[g] + controls[g]);
    squares += g * g * (cases[g] + controls[g]);
  }
  const double n = r + s;
  const double variance = squares / n - (sum / n) * (sum / n);
  const double sampling = variance * (1 / r + 1 / s);
  const double noise = NoiseVarianceOfMean(cases, noise_variance, 1) + NoiseVarianceOfMean(controls, noise_variance, 1);
  Deflate(test.chi_square, test.p_value, sampling, noise);
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
    const bool converged =
        std::fabs(loglik - previous) < 1e-10 * (std::fabs(loglik) + 1e-10) && std::fabs(db) < 1e-8 * (1 + std::fabs(b));
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

RegressionResult LinearFromCrossproducts(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty, double yty, double n,
                                         int index) {
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
