#include "medfed/stats/goodness_of_fit.h"

#include <cmath>

#include "gtest/gtest.h"

namespace medfed::stats {
namespace {

TEST(GoodnessOfFitTest, MatchesChisqTest) {
  // R: chisq.test(c(10, 20, 30), p = rep(1/3, 3)): X-squared = 10, df = 2, p = exp(-5).
  EXPECT_NEAR(PearsonGoodnessOfFitP({{0, 10}, {1, 20}, {2, 30}}, {{0, 1.0 / 3}, {1, 1.0 / 3}, {2, 1.0 / 3}}, 60),
              std::exp(-5.0), 1e-12);
  // Sparse tails merge: values 3 and 4 expect 0.6 draws together with 2, one bin of 6.6.
  EXPECT_NEAR(
      PearsonGoodnessOfFitP({{0, 30}, {1, 30}, {2, 6}}, {{0, 0.45}, {1, 0.45}, {2, 0.09}, {3, 0.005}, {4, 0.005}}, 66),
      PearsonGoodnessOfFitP({{0, 30}, {1, 30}, {2, 6}}, {{0, 0.45}, {1, 0.45}, {2, 0.1}}, 66), 1e-12);
}

}  // namespace
}  // namespace medfed::stats
