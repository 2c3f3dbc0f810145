#include "medfed/stats/rates.h"

#include <numeric>

#include "gtest/gtest.h"

namespace medfed::stats {
namespace {

// SEER*Stat tutorial "Calculating Age-adjusted Rates", step 3
// (http://seer.cancer.gov/seerstat/tutorials/aarates/step3.html): malignant tumours, black
// females, SEER 9, 2000-2004; published age-adjusted rate 400.3 per 100,000. Confidence limits
// and the crude rate are from tests/golden/rates_reference.R (the formulas written out in R).
const std::vector<double> kCount = {29,   87,   67,   71,   87,   177,  290,  657,  1072, 1691,
                                    2428, 2931, 2881, 2817, 2817, 2744, 2634, 1884, 1705};
const std::vector<double> kPopulation = {139879, 553189, 736212, 770999, 651390, 639159, 676354, 736557, 724826, 700200,
                                         617437, 516541, 361170, 259440, 206204, 172087, 142958, 99654,  92692};

TEST(RatesTest, ReproducesSeerTutorialAgeAdjustedRate) {
  auto standard = FindStandardPopulation("us2000");
  ASSERT_TRUE(standard.ok());
  auto rate = AgeAdjustedRate(kCount, kPopulation, (*standard)->population, 1e5);
  ASSERT_TRUE(rate.ok());
  EXPECT_NEAR(rate->rate, 400.3, 0.05);  // as published
  EXPECT_NEAR(rate->rate, 400.3040096210, 1e-7);
  EXPECT_NEAR(rate->std_error, 2.4802189626, 1e-8);
  EXPECT_NEAR(rate->lower, 395.4574410463, 1e-6);
  EXPECT_NEAR(rate->upper, 405.1925723760, 1e-6);
  // Published crude rates of single age groups (one decimal).
  EXPECT_NEAR(CrudeRate(29, 139879, 1e5).rate, 20.7, 0.05);
  EXPECT_NEAR(CrudeRate(1884, 99654, 1e5).rate, 1890.5, 0.05);
}

TEST(RatesTest, CrudeRateHasExactPoissonLimits) {
  double cases = std::accumulate(kCount.begin(), kCount.end(), 0.0);
  double persons = std::accumulate(kPopulation.begin(), kPopulation.end(), 0.0);
  RateEstimate crude = CrudeRate(cases, persons, 1e5);
  EXPECT_NEAR(crude.rate, 307.7089918003, 1e-8);
  EXPECT_NEAR(crude.lower, 304.0541105582, 1e-6);
  EXPECT_NEAR(crude.upper, 311.3968419448, 1e-6);
  RateEstimate small = CrudeRate(3, 12000, 1e5);
  EXPECT_NEAR(small.lower, 5.1556010241, 1e-7);
  EXPECT_NEAR(small.upper, 73.0606089145, 1e-7);
  EXPECT_EQ(CrudeRate(0, 1000, 1e5).lower, 0.0);
}

TEST(RatesTest, StandardPopulationsAreTheDocumentedOnes) {
  auto total = [](const StandardPopulation* s) {
    return std::accumulate(s->population.begin(), s->population.end(), 0.0);
  };
  EXPECT_EQ(total(*FindStandardPopulation("us2000")), 274633642);  // Census P25-1130
  EXPECT_EQ(total(*FindStandardPopulation("segi1960")), 100000);
  EXPECT_EQ(total(*FindStandardPopulation("china2000")), 1242612226);  // 2000 census, mainland
  EXPECT_FALSE(FindStandardPopulation("us1970").ok());
}

TEST(RatesTest, AlignsAgeGroupsOfDifferentWidths) {
  // Data in 5-year groups against the 19-group US standard: 0 and 1-4 are merged.
  std::vector<double> five_year = {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85};
  auto alignment = AlignAgeGroups(five_year, **FindStandardPopulation("us2000"));
  ASSERT_TRUE(alignment.ok());
  ASSERT_EQ(alignment->lower_bounds.size(), 18u);
  EXPECT_EQ(alignment->standard_population[0], 3794901 + 15191619);
  // Data with 0 and 1-4 against Segi (0-4): data groups 0 and 1 map to the same group.
  std::vector<double> nineteen = {0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85};
  auto segi = AlignAgeGroups(nineteen, **FindStandardPopulation("segi1960"));
  ASSERT_TRUE(segi.ok());
  EXPECT_EQ(segi->data_to_common[0], 0u);
  EXPECT_EQ(segi->data_to_common[1], 0u);
  EXPECT_EQ(segi->data_to_common[2], 1u);
}

TEST(RatesTest, ParsesAgeGroupLabels) {
  EXPECT_EQ(*AgeGroupLowerBound("00"), 0);
  EXPECT_EQ(*AgeGroupLowerBound("01-04"), 1);
  EXPECT_EQ(*AgeGroupLowerBound("85+"), 85);
  EXPECT_EQ(*AgeGroupLowerBound(" 5-9 "), 5);
  EXPECT_FALSE(AgeGroupLowerBound("old").ok());
}

TEST(RatesTest, CasesWithoutPopulationAreAnError) {
  auto rate = AgeAdjustedRate({1, 2}, {0, 100}, {50, 50}, 1e5);
  EXPECT_FALSE(rate.ok());
}

}  // namespace
}  // namespace medfed::stats

#include "medfed/stats/gwas_tests.h"

namespace medfed::stats {
namespace {

TEST(GwasTestsTest, HardyWeinbergMatchesPlink2) {
  // plink2 --hardy on a simulated fileset (tests: /tmp reproduction in docs/protocols/gwas.md).
  EXPECT_NEAR(HardyWeinbergExactP(272, 260, 68), 0.644386, 5e-7);
  EXPECT_NEAR(HardyWeinbergExactP(525, 72, 3), 0.731655, 5e-7);
  EXPECT_NEAR(HardyWeinbergExactP(469, 127, 4), 0.215665, 5e-7);
  EXPECT_EQ(HardyWeinbergExactP(0, 0, 0), 1.0);
}

TEST(GwasTestsTest, AllelicChiSquareByHand) {
  AllelicTest test = AllelicChiSquare(30, 70, 20, 80);
  // N (ad - bc)^2 / (row and column totals) = 200 * (2400 - 1400)^2 / (100 * 100 * 50 * 150)
  EXPECT_NEAR(test.chi_square, 200.0 * 1e6 / (100.0 * 100 * 50 * 150), 1e-12);
  EXPECT_NEAR(test.odds_ratio, (30.0 * 80) / (70.0 * 20), 1e-12);
  EXPECT_NEAR(test.case_frequency, 0.3, 1e-15);
}

TEST(GwasTestsTest, GroupedLogisticEqualsTheUngroupedFit) {
  // dosage 0: 50 trials 10 cases; 1: 40 trials 15; 2: 10 trials 6. Reference from R:
  // glm(cbind(c(10,15,6), c(40,25,4)) ~ c(0,1,2), family = binomial) in R 4.2.2
  RegressionResult fit = GroupedLogistic({50, 40, 10}, {10, 15, 6});
  ASSERT_TRUE(fit.ok);
  EXPECT_NEAR(fit.beta, 0.88974489, 1e-7);
  EXPECT_NEAR(fit.std_error, 0.33678717, 1e-7);
  EXPECT_NEAR(fit.p_value, 8.2451892e-03, 1e-9);
  EXPECT_FALSE(GroupedLogistic({50, 0, 0}, {50, 0, 0}).ok);  // all cases: nothing to fit
}

}  // namespace
}  // namespace medfed::stats
