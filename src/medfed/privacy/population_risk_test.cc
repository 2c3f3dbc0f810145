#include "medfed/privacy/population_risk.h"

#include <gtest/gtest.h>

namespace medfed::privacy {
namespace {

std::vector<uint64_t> ReferenceClasses() {
  // 40 of size 1, 15 of size 2, 8 of size 3, 5 of size 5, 2 of size 10 (n = 139).
  std::vector<uint64_t> sizes;
  for (auto [size, count] : std::vector<std::pair<uint64_t, int>>{{1, 40}, {2, 15}, {3, 8}, {5, 5}, {10, 2}}) {
    sizes.insert(sizes.end(), count, size);
  }
  return sizes;
}

// Numbers from tests/golden/population_uniqueness.R (the models' definitions solved by R's optim).
TEST(PopulationUniqueness, MatchesTheReferenceModelsAtASmallSamplingFraction) {
  const PopulationUniqueness estimate = EstimatePopulationUniqueness(ReferenceClasses(), 2000);
  EXPECT_NEAR(estimate.sampling_fraction, 139.0 / 2000, 1e-12);
  ASSERT_TRUE(estimate.zayatz && estimate.pitman && estimate.snb);
  EXPECT_NEAR(*estimate.zayatz, 0.09755269805, 1e-9);
  EXPECT_NEAR(*estimate.pitman, 0.03047009142, 2e-6);
  EXPECT_NEAR(*estimate.snb, 0.08454086342, 2e-6);
  // Dankar: f <= 0.1 -> Pitman.
  EXPECT_EQ(estimate.dankar_model, "pitman");
  EXPECT_DOUBLE_EQ(estimate.dankar, *estimate.pitman);
}

TEST(PopulationUniqueness, DankarTakesTheSmallerOfZayatzAndSnbAboveOneTenth) {
  const PopulationUniqueness estimate = EstimatePopulationUniqueness(ReferenceClasses(), 500);
  ASSERT_TRUE(estimate.zayatz && estimate.snb);
  EXPECT_NEAR(*estimate.zayatz, 0.1401585008, 1e-9);
  EXPECT_NEAR(*estimate.pitman, 0.1148751647, 2e-6);
  EXPECT_NEAR(*estimate.snb, 0.1142653792, 2e-6);
  EXPECT_EQ(estimate.dankar_model, "snb");
  EXPECT_DOUBLE_EQ(estimate.dankar, *estimate.snb);
}

TEST(PopulationUniqueness, NoSampleUniquesMeansNoPopulationUniques) {
  const PopulationUniqueness estimate = EstimatePopulationUniqueness({2, 3, 5, 5}, 1000);
  EXPECT_EQ(estimate.dankar_model, "none");
  EXPECT_EQ(estimate.dankar, 0);
}

// Hand-computed: sample classes of sizes 1, 2, 3 (n = 6) in population classes of 4, 2, 30.
//   journalist highest = 1 / min(4, 2, 30) = 0.5; records at risk (1/F > 0.2): the classes with
//   F = 4 and F = 2 -> 3 records of 6 = 0.5; marketer = (1/4 + 2/2 + 3/30) / 6 = 1.35 / 6 = 0.225.
TEST(PopulationTableRisk, HandComputedExample) {
  const JournalistMarketerRisk risk = PopulationTableRisk({1, 2, 3}, {4, 2, 30}, 0.2);
  EXPECT_DOUBLE_EQ(risk.journalist_highest, 0.5);
  EXPECT_DOUBLE_EQ(risk.journalist_records_at_risk, 0.5);
  EXPECT_DOUBLE_EQ(risk.marketer, 0.225);
}

// The case tests/cli_test.cc runs through `medfed scan --population`, hand-computed: population
// classes 10, 2 (two rows of 1 add up) and 4 for sample classes 2, 1, 1.
TEST(PopulationTableMatch, JournalistAndMarketerRiskFromTheMatchedClasses) {
  const std::vector<std::string> names = {"sex", "age"};
  const std::vector<std::vector<std::string>> sample = {{"m", "m", "f", "f"}, {"40", "40", "50", "60"}};
  const std::vector<std::vector<std::string>> population = {{"m", "f", "f", "f"}, {"40", "50", "60", "50"}};
  auto risk = MatchPopulationTable(names, sample, 4, population, {10, 1, 4, 1});
  ASSERT_TRUE(risk.ok()) << risk.status();
  EXPECT_DOUBLE_EQ(risk->journalist_highest, 0.5);
  EXPECT_DOUBLE_EQ(risk->journalist_records_at_risk, 0.5);  // 1/F > 0.2 for F = 2 and F = 4
  EXPECT_DOUBLE_EQ(risk->marketer, (2.0 / 10 + 1.0 / 2 + 1.0 / 4) / 4);
}

TEST(PopulationTableMatch, AClassTheTableDoesNotCoverIsNamed) {
  const std::vector<std::string> names = {"sex", "age"};
  const std::vector<std::vector<std::string>> sample = {{"m", "m", "f"}, {"40", "40", "50"}};
  auto missing = MatchPopulationTable(names, sample, 3, {{"m"}, {"40"}}, {10});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "the population has no people with sex,age = f,50, but the data has 1; the population table must cover "
            "the data");
  auto fewer = MatchPopulationTable(names, sample, 3, {{"m", "f"}, {"40", "50"}}, {1, 5});
  ASSERT_FALSE(fewer.ok());
  EXPECT_NE(fewer.status().message().find("has 1 people with sex,age = m,40, but the data has 2"), std::string::npos)
      << fewer.status();
}

// Values are matched whole: a value holding a separator cannot pose as two values.
TEST(PopulationTableMatch, ValuesAreNotConfusedAcrossColumns) {
  const std::vector<std::string> names = {"a", "b"};
  const std::vector<std::vector<std::string>> sample = {{"x\x1fy"}, {"z"}};
  auto risk = MatchPopulationTable(names, sample, 1, {{"x"}, {"y\x1fz"}}, {3});
  EXPECT_FALSE(risk.ok());
}

TEST(PopulationTableMatch, CountsThatWouldWrapAreRefused) {
  auto risk = MatchPopulationTable({"a"}, {{"x"}}, 1, {{"x", "x"}}, {UINT64_MAX - 1, 2});
  ASSERT_FALSE(risk.ok());
  EXPECT_NE(risk.status().message().find("past 2^64"), std::string::npos);
}

}  // namespace
}  // namespace medfed::privacy
