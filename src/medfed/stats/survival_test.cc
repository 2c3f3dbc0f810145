#include <cmath>

#include "gtest/gtest.h"
#include "medfed/stats/cox.h"
#include "medfed/stats/kaplan_meier.h"
#include "medfed/stats/life_table.h"
#include "medfed/stats/logrank.h"

namespace medfed::stats {
namespace {

TEST(KaplanMeierTest, HandComputedCurve) {
  // times 1 2 3 3 4 5+ 6 : at 1: 7 at risk, 1 event; 2: 6,1; 3: 5,2; 4: 3,1; 6: 1,1
  KaplanMeierInput input{{1, 2, 3, 4, 6}, {7, 6, 5, 3, 1}, {1, 1, 2, 1, 1}};
  KaplanMeierCurve curve = ComputeKaplanMeier(input);
  ASSERT_EQ(curve.steps.size(), 5u);
  EXPECT_NEAR(curve.steps[0].survival, 6.0 / 7, 1e-15);
  EXPECT_NEAR(curve.steps[2].survival, 6.0 / 7 * 5.0 / 6 * 3.0 / 5, 1e-15);
  double greenwood = 1.0 / (7 * 6) + 1.0 / (6 * 5) + 2.0 / (5 * 3);
  EXPECT_NEAR(curve.steps[2].std_error, curve.steps[2].survival * std::sqrt(greenwood), 1e-15);
  EXPECT_NEAR(curve.steps[2].lower, curve.steps[2].survival * std::exp(-1.959963984540054 * std::sqrt(greenwood)),
              1e-12);
  // S: .857 .714 .429 .286 0 -> median is the first time S <= 0.5: 3
  EXPECT_EQ(curve.median, 3);
  EXPECT_TRUE(std::isnan(curve.steps[4].std_error));  // S = 0
  EXPECT_NEAR(CurveAt(curve, 2.5).survival, 5.0 / 7, 1e-15);
  EXPECT_EQ(CurveAt(curve, 0.5).survival, 1.0);
}

TEST(KaplanMeierTest, MedianAtExactlyOneHalfIsAMidpoint) {
  // 4 subjects, events at 1, 2, 3, 4: S = .75, .5, .25, 0 -> median (2 + 3) / 2 as survfit
  KaplanMeierCurve curve = ComputeKaplanMeier({{1, 2, 3, 4}, {4, 3, 2, 1}, {1, 1, 1, 1}});
  EXPECT_EQ(curve.median, 2.5);
}

TEST(LogRankTest, TwoGroupsByHand) {
  // One stratum, two event times, two groups.
  LogRankInput input;
  input.n_risk = {{{3, 3}, {2, 2}}};
  input.n_event = {{{1, 0}, {0, 1}}};
  LogRankResult result = ComputeLogRank(input, 2);
  EXPECT_NEAR(result.expected[0], 0.5 + 0.5, 1e-15);
  EXPECT_NEAR(result.observed[1], 1, 1e-15);
  // V = sum d (n - d) / (n^2 (n - 1)) n1 n2 = (5/36*9)/(5) ... per time: 1*5/(36*5)*9 = 0.25; 1*3/(16*3)*4 = 0.25
  EXPECT_NEAR(result.variance[1][1], 0.5, 1e-15);
  EXPECT_NEAR(result.statistic, 0.0, 1e-15);  // O - E = 0 for group 2
  EXPECT_EQ(result.df, 1);
}

TEST(CoxTest, SumsSplitOverSitesGiveTheSameDerivatives) {
  // Six rows, one covariate, ties at time 2; all at one site vs split over two.
  Eigen::MatrixXd x(6, 1);
  x << 0.5, -1, 2, 0, 1, -0.5;
  std::vector<double> times = {1, 2, 2, 3, 4, 4};
  std::vector<uint8_t> events = {1, 1, 1, 0, 1, 0};
  std::vector<double> event_times = {1, 2, 4};
  Eigen::VectorXd beta(1);
  beta << 0.3;
  CoxSiteData all(x, times, events, std::vector<int32_t>(6, 0), 1);
  std::vector<double> pooled;
  ASSERT_TRUE(all.AppendSums(beta, event_times, CoxTies::kEfron, pooled).ok());
  CoxSiteData first(x.topRows(3), {1, 2, 2}, {1, 1, 1}, {0, 0, 0}, 1);
  CoxSiteData second(x.bottomRows(3), {3, 4, 4}, {0, 1, 0}, {0, 0, 0}, 1);
  std::vector<double> a, b;
  ASSERT_TRUE(first.AppendSums(beta, event_times, CoxTies::kEfron, a).ok());
  ASSERT_TRUE(second.AppendSums(beta, event_times, CoxTies::kEfron, b).ok());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i] + b[i], pooled[i], 1e-12);

  CoxSumsLayout layout{1, 1, 3, CoxTies::kEfron};
  CoxDerivatives d = CoxFromPooledSums(pooled, layout, beta);
  // Direct Efron log-likelihood.
  auto w = [&](int i) { return std::exp(0.3 * x(i, 0)); };
  double expected = 0.3 * (0.5 - 1 + 2 + 1);
  expected -= std::log(w(0) + w(1) + w(2) + w(3) + w(4) + w(5));  // t=1
  double risk2 = w(1) + w(2) + w(3) + w(4) + w(5), tied = w(1) + w(2);
  expected -= std::log(risk2) + std::log(risk2 - tied / 2);  // t=2, Efron
  expected -= std::log(w(4) + w(5));                         // t=4
  EXPECT_NEAR(d.log_likelihood, expected, 1e-12);
  // The score is the derivative of the log-likelihood (numerically).
  Eigen::VectorXd up(1), down(1);
  up << 0.3 + 1e-6;
  down << 0.3 - 1e-6;
  std::vector<double> pu, pd;
  ASSERT_TRUE(all.AppendSums(up, event_times, CoxTies::kEfron, pu).ok());
  ASSERT_TRUE(all.AppendSums(down, event_times, CoxTies::kEfron, pd).ok());
  double numeric =
      (CoxFromPooledSums(pu, layout, up).log_likelihood - CoxFromPooledSums(pd, layout, down).log_likelihood) / 2e-6;
  EXPECT_NEAR(d.score[0], numeric, 1e-6);
}

TEST(CoxTest, RefusesAnEventTimeMissingFromThePooledList) {
  Eigen::MatrixXd x(2, 1);
  x << 1, 2;
  CoxSiteData site(x, {1, 5}, {1, 1}, {0, 0}, 1);
  std::vector<double> out;
  EXPECT_FALSE(site.AppendSums(Eigen::VectorXd::Zero(1), {1}, CoxTies::kBreslow, out).ok());
}

TEST(LifeTableTest, ActuarialByHand) {
  // 100 enter; interval 1: 10 die, 20 withdrawn -> n' = 90, p = 80/90
  auto rows = ComputeLifeTable({0, 1, 2}, {100, 70}, {20, 10}, {10, 7}, {95, 63});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].effective, 90, 1e-12);
  EXPECT_NEAR(rows[0].survival, 80.0 / 90, 1e-15);
  EXPECT_NEAR(rows[1].survival, 80.0 / 90 * (1 - 7.0 / 65), 1e-15);
  EXPECT_NEAR(rows[0].expected_interval, 0.95, 1e-15);
  EXPECT_NEAR(rows[1].expected, 0.95 * 0.9, 1e-15);
  EXPECT_NEAR(rows[1].relative, rows[1].survival / (0.95 * 0.9), 1e-15);
}

}  // namespace
}  // namespace medfed::stats
