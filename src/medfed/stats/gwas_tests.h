// Single-variant association tests on pooled counts and sums, as plink computes them.
#pragma once

#include <array>
#include <vector>

#include <Eigen/Dense>

namespace medfed::stats {

// Exact test of Hardy-Weinberg equilibrium (Wigginton, Cutler & Abecasis, Am J Hum Genet
// 2005;76:887-893), the p-value plink reports in --hardy and filters on in --hwe.
double HardyWeinbergExactP(int homozygous1, int heterozygous, int homozygous2);

struct AllelicTest {
  double case_frequency = 0;     // F_A: allele-1 frequency in cases
  double control_frequency = 0;  // F_U
  double chi_square = 0;         // 1 df, no continuity correction (plink --assoc)
  double p_value = 1;
  double odds_ratio = 0;
};
// Allele counts of allele 1 and allele 2 in cases and controls.
AllelicTest AllelicChiSquare(double case1, double case2, double control1, double control2);

struct TrendTest {
  double chi_square = 0;
  double p_value = 1;
};
// Cochran-Armitage trend test (plink --model trend-only) from genotype counts by number of
// allele-1 copies (0, 1, 2) in cases and in controls.
TrendTest CochranArmitage(const std::array<double, 3>& cases, const std::array<double, 3>& controls);

// The allelic and trend tests on noised counts (a GWAS under differential privacy): each of the
// six genotype counts carries independent noise of variance `noise_variance`. Both tests are
// d^2 / V, d the difference in mean A1 dosage (trend) or A1 frequency (allelic) between cases
// and controls and V its sampling variance under the null (pooled); on noised counts V also
// needs the noise's variance of d, by the delta method: for a mean m = sum_k k n_k / sum_k n_k
// it is noise_variance * sum_k (k - m)^2 / (sum_k n_k)^2 (k the A1 copies, or the A1 alleles
// over two for a frequency). Without this the noise inflates every statistic. With
// `noise_variance` 0 these are AllelicChiSquare and CochranArmitage. Counts by A1 copies 0, 1, 2.
AllelicTest NoisedAllelicChiSquare(const std::array<double, 3>& cases, const std::array<double, 3>& controls,
                                   double noise_variance);
TrendTest NoisedCochranArmitage(const std::array<double, 3>& cases, const std::array<double, 3>& controls,
                                double noise_variance);

struct RegressionResult {
  bool ok = false;
  double beta = 0, std_error = 0, statistic = 0, p_value = 1;
};

// Logistic regression of case status on the allele-1 dosage with an intercept and nothing
// else: the data are three groups (dosage 0, 1, 2) with n trials and s cases, so the exact
// maximum-likelihood fit needs only these six numbers. Not ok when it does not converge.
RegressionResult GroupedLogistic(const std::array<double, 3>& trials, const std::array<double, 3>& cases);

// Ordinary least squares from cross-products: X'X (q x q), X'y, y'y and n; reports the
// coefficient at `index` with a t statistic on n - q df.
RegressionResult LinearFromCrossproducts(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty, double yty, double n,
                                         int index);

}  // namespace medfed::stats
