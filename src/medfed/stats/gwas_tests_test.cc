// The allelic and trend tests on noised genotype counts (differential privacy): equal to the
// plain tests without noise, and at their nominal level under the null with noise, where the
// plain tests, which take noised counts as exact, reject far too often.
#include "medfed/stats/gwas_tests.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace medfed::stats {
namespace {

TEST(NoisedGwasTestsTest, WithoutNoiseTheyAreThePlainTests) {
  const std::array<double, 3> cases = {120, 250, 90}, controls = {160, 230, 60};
  const AllelicTest plain = AllelicChiSquare(2 * cases[2] + cases[1], 2 * cases[0] + cases[1],
                                             2 * controls[2] + controls[1], 2 * controls[0] + controls[1]);
  const AllelicTest noised = NoisedAllelicChiSquare(cases, controls, 0);
  EXPECT_EQ(noised.chi_square, plain.chi_square);
  EXPECT_EQ(noised.odds_ratio, plain.odds_ratio);
  EXPECT_EQ(NoisedCochranArmitage(cases, controls, 0).chi_square, CochranArmitage(cases, controls).chi_square);
  // Noise only lowers the evidence, and more noise lowers it more.
  EXPECT_LT(NoisedAllelicChiSquare(cases, controls, 100).chi_square, plain.chi_square);
  EXPECT_LT(NoisedCochranArmitage(cases, controls, 400).chi_square,
            NoisedCochranArmitage(cases, controls, 100).chi_square);
}

// 20,000 null tables (500 cases, 500 controls, the same genotype frequencies) whose six counts
// each carry rounded Gaussian noise of sd 20, about what epsilon 1 gives for 20 variants.
TEST(NoisedGwasTestsTest, UnderTheNullTheyRejectAtTheNominalLevel) {
  std::mt19937_64 random(5);
  std::discrete_distribution<int> genotype({0.36, 0.48, 0.16});
  std::normal_distribution<double> noise(0, 20);
  const int tables = 20000;
  int plain_allelic = 0, plain_trend = 0, noised_allelic = 0, noised_trend = 0;
  for (int t = 0; t < tables; ++t) {
    std::array<double, 3> cases = {0, 0, 0}, controls = {0, 0, 0};
    for (int i = 0; i < 500; ++i) ++cases[static_cast<size_t>(genotype(random))];
    for (int i = 0; i < 500; ++i) ++controls[static_cast<size_t>(genotype(random))];
    for (auto* counts : {&cases, &controls}) {
      for (double& count : *counts) count = std::max(0.0, std::nearbyint(count + noise(random)));
    }
    plain_allelic += NoisedAllelicChiSquare(cases, controls, 0).p_value < 0.05;
    plain_trend += CochranArmitage(cases, controls).p_value < 0.05;
    noised_allelic += NoisedAllelicChiSquare(cases, controls, 400).p_value < 0.05;
    noised_trend += NoisedCochranArmitage(cases, controls, 400).p_value < 0.05;
  }
  // Monte Carlo standard error of a 0.05 rate over 20,000 tables: 0.0015.
  EXPECT_NEAR(noised_allelic / double(tables), 0.05, 0.008);
  EXPECT_NEAR(noised_trend / double(tables), 0.05, 0.008);
  EXPECT_GT(plain_allelic / double(tables), 0.1);
  EXPECT_GT(plain_trend / double(tables), 0.1);
}

}  // namespace
}  // namespace medfed::stats
