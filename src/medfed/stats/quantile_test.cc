#include "medfed/stats/quantile.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace medfed::stats {
namespace {

// Runs the federated search on pooled values split over `sites` and returns the quantile.
double FederatedQuantile(const std::vector<std::vector<double>>& sites, double p, int* rounds) {
  uint64_t n = 0;
  for (const auto& site : sites) n += site.size();
  std::vector<uint64_t> ranks = Type7Ranks(n, p);
  std::vector<double> values;
  *rounds = 0;
  for (uint64_t rank : ranks) {
    OrderStatisticSearch search(rank);
    int used = 0;
    while (!search.Done()) {
      auto splits = search.Splits();
      std::vector<double> pooled(splits.size(), 0.0);
      for (const auto& site : sites) {
        auto counts = CountAtOrBelow(site, splits);
        for (size_t s = 0; s < counts.size(); ++s) pooled[s] += counts[s];
      }
      search.Narrow(splits, pooled);
      ++used;
    }
    *rounds = std::max(*rounds, used);
    values.push_back(search.Value());
  }
  return Type7Quantile(n, p, values[0], values.size() > 1 ? values[1] : values[0]);
}

TEST(QuantileTest, MatchesRType7) {
  // R: quantile(1:10) -> 3.25 5.50 7.75 ; quantile(c(3, 1, 2)) -> 1.5 2.0 2.5
  std::vector<double> ten = {7, 1, 10, 3, 5, 2, 8, 4, 9, 6};
  int rounds = 0;
  EXPECT_DOUBLE_EQ(FederatedQuantile({ten}, 0.25, &rounds), 3.25);
  EXPECT_DOUBLE_EQ(FederatedQuantile({ten}, 0.5, &rounds), 5.5);
  EXPECT_DOUBLE_EQ(FederatedQuantile({ten}, 0.75, &rounds), 7.75);
  EXPECT_DOUBLE_EQ(FederatedQuantile({{3}, {1, 2}}, 0.25, &rounds), 1.5);
  EXPECT_DOUBLE_EQ(FederatedQuantile({{3}, {1, 2}}, 0.5, &rounds), 2.0);
}

TEST(QuantileTest, FindsExactOrderStatisticsOfAnyDoubles) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal(0, 1e3);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::vector<double>> sites(3);
    std::vector<double> all;
    for (int i = 0; i < 301; ++i) {
      double x = (trial % 2) ? std::round(normal(random) / 100) : normal(random);  // ties too
      sites[static_cast<size_t>(i % 3)].push_back(x);
      all.push_back(x);
    }
    std::sort(all.begin(), all.end());
    for (double p : {0.25, 0.5, 0.75}) {
      double h = 300 * p;  // (n - 1) p, 0-based
      size_t lo = static_cast<size_t>(std::floor(h));
      double expected = all[lo] + (h - lo) * (all[std::min<size_t>(lo + 1, 300)] - all[lo]);
      int rounds = 0;
      EXPECT_DOUBLE_EQ(FederatedQuantile(sites, p, &rounds), expected);
      EXPECT_LE(rounds, 8);
    }
  }
}

TEST(QuantileTest, OrderedKeyPreservesOrder) {
  std::vector<double> values = {-INFINITY, -1e300, -2.5, -0.0, 0.0, 1e-300, 3, INFINITY};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LE(OrderedKey(values[i]), OrderedKey(values[i + 1]));
    EXPECT_EQ(FromOrderedKey(OrderedKey(values[i])), values[i]);
  }
}

}  // namespace
}  // namespace medfed::stats
