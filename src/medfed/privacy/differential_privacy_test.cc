#include "medfed/privacy/differential_privacy.h"

#include <cmath>
#include <map>

#include "gtest/gtest.h"
#include "medfed/privacy/discrete_gaussian.h"
#include "medfed/stats/goodness_of_fit.h"

namespace medfed::privacy {
namespace {

// P(x) of N_Z(0, variance), normalised over |x| <= 40 sigma (the rest is below 1e-300).
std::map<int64_t, double> DiscreteGaussianPmf(int64_t variance) {
  const int64_t reach = static_cast<int64_t>(40 * std::sqrt(static_cast<double>(variance))) + 1;
  std::map<int64_t, double> pmf;
  double total = 0;
  for (int64_t x = -reach; x <= reach; ++x) {
    pmf[x] = std::exp(-static_cast<double>(x * x) / (2.0 * static_cast<double>(variance)));
    total += pmf[x];
  }
  for (auto& [x, p] : pmf) p /= total;
  return pmf;
}

TEST(DiscreteGaussianTest, DrawsFollowTheDiscreteGaussian) {
  DiscreteGaussianSampler sampler;
  for (int64_t variance : {1, 15, 2500}) {
    const int draws = 100000;
    std::map<int64_t, int> counts;
    double sum = 0, squares = 0;
    for (int i = 0; i < draws; ++i) {
      auto x = sampler.Sample(variance);
      ASSERT_TRUE(x.ok());
      ++counts[*x];
      sum += static_cast<double>(*x);
      squares += static_cast<double>(*x) * static_cast<double>(*x);
    }
    const auto pmf = DiscreteGaussianPmf(variance);
    double true_variance = 0, fourth = 0;
    for (const auto& [x, p] : pmf) {
      true_variance += p * static_cast<double>(x * x);
      fourth += p * std::pow(static_cast<double>(x), 4);
    }
    EXPECT_GT(stats::PearsonGoodnessOfFitP(counts, pmf, draws), 1e-6) << "variance " << variance;
    // Unbiased: the mean within 5 standard errors of 0.
    EXPECT_LT(std::fabs(sum / draws), 5 * std::sqrt(true_variance / draws)) << variance;
    // The sample variance within 5 standard errors of the true one.
    const double se = std::sqrt((fourth - true_variance * true_variance) / draws);
    EXPECT_LT(std::fabs(squares / draws - true_variance), 5 * se) << variance;
  }
}

TEST(DiscreteGaussianTest, LargeVariancesAreExactAndBounded) {
  DiscreteGaussianSampler sampler;
  const int64_t variance = int64_t{1} << 36;  // sigma 262144
  double squares = 0;
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) {
    auto x = sampler.Sample(variance);
    ASSERT_TRUE(x.ok());
    squares += static_cast<double>(*x) * static_cast<double>(*x);
  }
  // Var of the sample variance is 2 sigma^4 / n.
  EXPECT_NEAR(squares / draws / static_cast<double>(variance), 1.0, 5 * std::sqrt(2.0 / draws));
  EXPECT_FALSE(sampler.Sample(0).ok());
  EXPECT_FALSE(sampler.Sample(DiscreteGaussianSampler::kMaxVariance + 1).ok());
}

TEST(DiscreteGaussianTest, AFixedRandomSourceGivesFixedDraws) {
  uint64_t state = 42;
  auto source = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  };
  DiscreteGaussianSampler first(source);
  std::vector<int64_t> a;
  for (int i = 0; i < 20; ++i) a.push_back(*first.Sample(100));
  state = 42;
  DiscreteGaussianSampler second(source);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*second.Sample(100), a[static_cast<size_t>(i)]);
}

TEST(PrivacyAccountingTest, ConversionsInvertEachOther) {
  // epsilon 1 at delta 1e-6: L = ln(1e6) = 13.8155, rho = (sqrt(14.8155) - sqrt(13.8155))^2.
  const double rho = ZcdpForApproximateDp({1.0, 1e-6});
  EXPECT_NEAR(rho, 0.0174690, 1e-6);
  EXPECT_NEAR(EpsilonForZcdp(rho, 1e-6), 1.0, 1e-12);
  for (double epsilon : {0.1, 0.5, 3.0, 10.0}) {
    for (double delta : {1e-9, 1e-5, 1e-3}) {
      EXPECT_NEAR(EpsilonForZcdp(ZcdpForApproximateDp({epsilon, delta}), delta), epsilon, 1e-9);
    }
  }
  EXPECT_FALSE(ValidatePrivacyTarget({0, 1e-6}).ok());
  EXPECT_FALSE(ValidatePrivacyTarget({1, 0}).ok());
  EXPECT_FALSE(ValidatePrivacyTarget({1, 0.5}).ok());
  EXPECT_FALSE(ValidatePrivacyTarget({50, 1e-6}).ok());
  EXPECT_TRUE(ValidatePrivacyTarget({1, 1e-6}).ok());
}

TEST(PrivacyAccountingTest, SharesProtectAgainstTheHubAndOneSite) {
  const double rho = ZcdpForApproximateDp({1.0, 1e-6});
  // One count, three sites: the two honest sites' noise alone must cost at most rho, so each
  // needs sigma^2 >= 1 / (2 * 2 * rho) = 14.31, rounded up to 15.
  auto three = CalibrateDistributedNoise({{0, 1, 1}}, rho, 3);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->site_variance, std::vector<int64_t>({15}));
  EXPECT_DOUBLE_EQ(three->pooled_variance[0], 45);
  EXPECT_LE(three->rho, rho);
  EXPECT_NEAR(three->rho, 1.0 / 60, 1e-12);
  // A single site adds all of it: sigma^2 >= 1 / (2 rho) = 28.6.
  auto one = CalibrateDistributedNoise({{0, 1, 1}}, rho, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->site_variance, std::vector<int64_t>({29}));
  // Two groups (a count and a sum of values bounded by 1000 units): each costs half.
  auto two = CalibrateDistributedNoise({{0, 2, 1}, {2, 1, 1000}}, rho, 5);
  ASSERT_TRUE(two.ok());
  EXPECT_LE(two->rho, rho);
  EXPECT_GT(two->rho, 0.95 * rho);
  EXPECT_NEAR(
      std::sqrt(static_cast<double>(two->site_variance[1])) / std::sqrt(static_cast<double>(two->site_variance[0])),
      1000, 30);  // the count's variance is rounded up to an integer
  // Whatever the sites, the honest ones' noise costs at most rho.
  for (int sites : {2, 3, 10, 60}) {
    auto calibration = CalibrateDistributedNoise({{0, 10, 1}, {10, 1, 50}}, rho, sites);
    ASSERT_TRUE(calibration.ok());
    EXPECT_LE(DistributedGaussianRho({{0, 10, 1}, {10, 1, 50}}, calibration->site_variance, std::max(1, sites - 1)),
              rho);
  }
  EXPECT_FALSE(CalibrateDistributedNoise({{0, 1, 0}}, rho, 3).ok());
}

}  // namespace
}  // namespace medfed::privacy
