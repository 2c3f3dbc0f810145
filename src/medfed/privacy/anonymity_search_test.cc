#include "medfed/privacy/anonymity_search.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace medfed::privacy {
namespace {

// A QI whose distinct values 0..distinct-1 generalize by integer division: level L maps v to
// v / widths[L] (the top level maps everything to 0).
QuasiIdentifierLevels MakeQuasiIdentifier(const std::vector<uint32_t>& rows, uint32_t distinct,
                                          const std::vector<uint32_t>& widths, int min_level = 0) {
  QuasiIdentifierLevels qi;
  qi.row_value = rows;
  qi.min_level = min_level;
  for (uint32_t width : widths) {
    std::vector<uint32_t> codes(distinct);
    for (uint32_t v = 0; v < distinct; ++v) codes[v] = v / width;
    qi.generalized.push_back(codes);
    qi.code_count.push_back((distinct - 1) / width + 1);
  }
  return qi;
}

// The definition, node by node: classes by std::map, outliers suppressed, Iyengar's loss.
struct Reference {
  double loss = 2;
  uint64_t suppressed = 0;
};
Reference BruteForce(const std::vector<QuasiIdentifierLevels>& qis, uint64_t rows, uint64_t k, uint64_t allowed) {
  Reference best;
  std::vector<int> levels(qis.size());
  for (size_t c = 0; c < qis.size(); ++c) levels[c] = qis[c].min_level;
  while (true) {
    std::map<std::vector<uint32_t>, uint64_t> classes;
    for (uint64_t r = 0; r < rows; ++r) {
      std::vector<uint32_t> key;
      for (size_t c = 0; c < qis.size(); ++c) key.push_back(qis[c].generalized[levels[c]][qis[c].row_value[r]]);
      ++classes[key];
    }
    uint64_t suppressed = 0;
    double loss = 0;
    for (uint64_t r = 0; r < rows; ++r) {
      std::vector<uint32_t> key;
      for (size_t c = 0; c < qis.size(); ++c) key.push_back(qis[c].generalized[levels[c]][qis[c].row_value[r]]);
      const bool outlier = classes[key] < k;
      suppressed += outlier;
      for (size_t c = 0; c < qis.size(); ++c) {
        const auto& codes = qis[c].generalized[levels[c]];
        const double distinct = static_cast<double>(codes.size());
        double covered = 0;
        for (uint32_t code : codes) covered += code == codes[qis[c].row_value[r]];
        const bool top = levels[c] == qis[c].max_level();
        loss += outlier || top ? 1.0 : (covered - 1) / (distinct - 1);
      }
    }
    loss /= static_cast<double>(rows * qis.size());
    if (suppressed <= allowed && loss < best.loss) best = {loss, suppressed};
    size_t c = 0;
    auto high = [&](size_t q) { return qis[q].cap_level < 0 ? qis[q].max_level() : qis[q].cap_level; };
    while (c < qis.size() && ++levels[c] > high(c)) levels[c] = qis[c].min_level, ++c;
    if (c == qis.size()) break;
  }
  return best;
}

class AnonymitySearchRandom : public ::testing::TestWithParam<int> {};

TEST_P(AnonymitySearchRandom, FindsTheSameOptimumAsExhaustiveSearch) {
  std::mt19937 random(GetParam());
  const uint64_t rows = 300 + random() % 300;
  auto draw = [&](uint32_t distinct) {
    std::vector<uint32_t> values(rows);
    // Skewed, so some values are rare and the search has to trade generalization for suppression.
    for (auto& value : values)
      value = std::min<uint32_t>(
          distinct - 1, static_cast<uint32_t>(std::abs(std::normal_distribution<double>(0, distinct / 3.0)(random))));
    return values;
  };
  std::vector<QuasiIdentifierLevels> qis = {
      MakeQuasiIdentifier(draw(60), 60, {1, 5, 10, 20, 60}),  // an age-like column
      MakeQuasiIdentifier(draw(2), 2, {1, 2}),                // sex
      MakeQuasiIdentifier(draw(12), 12, {1, 4, 12}, GetParam() % 2),
      MakeQuasiIdentifier(draw(30), 30, {1, 3, 30}),
  };
  for (double limit : {0.0, 0.02, 0.1}) {
    AnonymitySearchOptions options;
    options.k = 2 + GetParam() % 5;
    options.suppression_limit = limit;
    const uint64_t allowed = static_cast<uint64_t>(limit * static_cast<double>(rows) + 1e-9);
    const AnonymitySearchResult result = FindOptimalGeneralization(qis, rows, options);
    const Reference reference = BruteForce(qis, rows, options.k, allowed);
    ASSERT_TRUE(result.found);
    EXPECT_NEAR(result.loss, reference.loss, 1e-12) << "limit " << limit << " k " << options.k;
    EXPECT_LE(result.suppressed, allowed);
    EXPECT_GE(result.smallest_class, options.k);
    EXPECT_LT(result.checks, result.lattice_nodes);  // tagging and the loss bound pruned something
    // The node's loss is the mean of its columns' losses.
    ASSERT_EQ(result.column_loss.size(), qis.size());
    double mean = 0;
    for (double loss : result.column_loss) mean += loss / static_cast<double>(qis.size());
    EXPECT_NEAR(mean, result.loss, 1e-12);
  }
  // With the age-like column capped at its 10-wide bands: the optimum of the smaller lattice.
  qis[0].cap_level = 2;
  AnonymitySearchOptions options;
  options.k = 2 + GetParam() % 5;
  options.suppression_limit = 0.02;
  const AnonymitySearchResult capped = FindOptimalGeneralization(qis, rows, options);
  const Reference reference = BruteForce(qis, rows, options.k, static_cast<uint64_t>(0.02 * rows + 1e-9));
  ASSERT_EQ(capped.found, reference.loss <= 1);
  if (capped.found) {
    EXPECT_LE(capped.levels[0], 2);
    EXPECT_NEAR(capped.loss, reference.loss, 1e-12);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, AnonymitySearchRandom, ::testing::Range(1, 9));

TEST(AnonymitySearch, RespectsThePolicyMinimumLevel) {
  const std::vector<uint32_t> rows = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
  std::vector<QuasiIdentifierLevels> qis = {MakeQuasiIdentifier(rows, 4, {1, 2, 4}, 1)};
  AnonymitySearchOptions options;
  options.k = 3;
  const AnonymitySearchResult result = FindOptimalGeneralization(qis, rows.size(), options);
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.levels, std::vector<int>{1});  // level 0 would be 3-anonymous but is not allowed
  EXPECT_EQ(result.suppressed, 0u);
}

TEST(AnonymitySearch, SuppressesOutliersWithinTheLimitRatherThanGeneralizing) {
  // 19 records in one value and 1 outlier: suppressing it (5%) beats generalizing everything.
  std::vector<uint32_t> rows(20, 0);
  rows[19] = 1;
  std::vector<QuasiIdentifierLevels> qis = {MakeQuasiIdentifier(rows, 2, {1, 2})};
  AnonymitySearchOptions options;
  options.k = 5;
  options.suppression_limit = 0.05;
  const AnonymitySearchResult result = FindOptimalGeneralization(qis, rows.size(), options);
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.levels, std::vector<int>{0});
  EXPECT_EQ(result.suppressed, 1u);
  EXPECT_EQ(result.suppress_row[19], 1);
  EXPECT_EQ(result.minimum_node_suppressed, 1u);
  options.suppression_limit = 0;
  const AnonymitySearchResult strict = FindOptimalGeneralization(qis, rows.size(), options);
  EXPECT_EQ(strict.levels, std::vector<int>{1});
  EXPECT_EQ(strict.suppressed, 0u);
}

TEST(AnonymitySearch, FewerRowsThanKCannotBeAnonymous) {
  std::vector<QuasiIdentifierLevels> qis = {MakeQuasiIdentifier({0, 1, 2}, 3, {1, 3})};
  AnonymitySearchOptions options;
  options.k = 5;
  EXPECT_FALSE(FindOptimalGeneralization(qis, 3, options).found);
}

}  // namespace
}  // namespace medfed::privacy
