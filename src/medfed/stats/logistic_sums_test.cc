#include "medfed/stats/logistic_sums.h"

#include <random>

#include "gtest/gtest.h"

namespace medfed::stats {
namespace {

// Fused (q <= 6) and blocked (q > 6) paths against the textbook formulas, with sample counts
// that leave a remainder after the 4-wide loop and with missing genotypes.
TEST(LogisticSumsTest, MatchTheDefinitionForEveryWidth) {
  std::mt19937_64 random(17);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (Eigen::Index q : {2, 3, 4, 6, 7, 12}) {
    for (Eigen::Index n : {1, 5, 203}) {
      Eigen::MatrixXd x(n, q);
      Eigen::ArrayXd mu(n), y(n), valid(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < q; ++j) x(i, j) = j == 0 ? 1 : uniform(random) * 4 - 2;
        mu[i] = 0.05 + 0.9 * uniform(random);
        y[i] = uniform(random) < 0.5 ? 1 : 0;
        valid[i] = uniform(random) < 0.1 ? 0 : 1;
      }
      std::vector<double> score(static_cast<size_t>(q)), information(static_cast<size_t>(q * (q + 1) / 2));
      const double count = AccumulateLogisticSums(x, mu, y, valid, score.data(), information.data());
      EXPECT_EQ(count, valid.sum());
      const Eigen::ArrayXd w = valid * mu * (1 - mu);
      const Eigen::VectorXd expected_score = x.transpose() * (valid * (y - mu)).matrix();
      const Eigen::MatrixXd expected_information = x.transpose() * w.matrix().asDiagonal() * x;
      size_t t = 0;
      for (Eigen::Index a = 0; a < q; ++a) {
        EXPECT_NEAR(score[static_cast<size_t>(a)], expected_score[a], 1e-12 * n) << "q " << q << " n " << n;
        for (Eigen::Index b = a; b < q; ++b) {
          EXPECT_NEAR(information[t++], expected_information(a, b), 1e-12 * n) << "q " << q << " n " << n;
        }
      }
    }
  }
}

}  // namespace
}  // namespace medfed::stats
