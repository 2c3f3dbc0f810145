#include "medfed/stats/normal_equations.h"

#include <cmath>

#include "gtest/gtest.h"
#include "medfed/stats/standardization.h"

namespace medfed::stats {
namespace {

TEST(NormalEquationsTest, SolvesLeastSquares) {
  Eigen::MatrixXd x(5, 2);
  x << 1, 1, 1, 2, 1, 3, 1, 4, 1, 5;
  Eigen::VectorXd y(5);
  y << 2.1, 3.9, 6.2, 7.8, 10.1;
  auto solution = SolveNormalEquations(x.transpose() * x, x.transpose() * y);
  Eigen::VectorXd expected = x.colPivHouseholderQr().solve(y);
  EXPECT_NEAR(solution.coefficients[0], expected[0], 1e-12);
  EXPECT_NEAR(solution.coefficients[1], expected[1], 1e-12);
  EXPECT_EQ(solution.rank, 2);
  Eigen::MatrixXd inverse = (x.transpose() * x).inverse();
  EXPECT_NEAR(solution.inverse(0, 1), inverse(0, 1), 1e-12);
}

TEST(NormalEquationsTest, AliasesLaterCollinearColumnsLikeR) {
  // Columns: intercept, a, 2a (aliased), b, zero column (aliased).
  Eigen::MatrixXd x(6, 5);
  x << 1, 1, 2, 0.5, 0, 1, 2, 4, 0.1, 0, 1, 3, 6, 0.9, 0, 1, 4, 8, 0.3, 0, 1, 5, 10, 0.7, 0, 1, 6, 12, 0.2, 0;
  Eigen::VectorXd y(6);
  y << 1, 2, 2, 4, 5, 5;
  auto solution = SolveNormalEquations(x.transpose() * x, x.transpose() * y);
  EXPECT_EQ(solution.rank, 3);
  EXPECT_FALSE(solution.aliased[1]);
  EXPECT_TRUE(solution.aliased[2]);
  EXPECT_TRUE(solution.aliased[4]);
  EXPECT_TRUE(std::isnan(solution.coefficients[2]));
  EXPECT_TRUE(std::isnan(solution.inverse(2, 2)));
}

TEST(StandardizationTest, RoundTripsCoefficientsAndCovariance) {
  Eigen::MatrixXd x(4, 3);
  x << 1, 50, 2500, 1, 60, 3600, 1, 70, 4900, 1, 85, 7225;
  Eigen::VectorXd y(4);
  y << 1, 3, 2, 5;
  std::vector<double> sums(3), squares(3);
  for (int j = 0; j < 3; ++j) {
    sums[j] = x.col(j).sum();
    squares[j] = x.col(j).squaredNorm();
  }
  auto standardization = ColumnStandardization::FromMoments(sums, squares, 4, 0);
  Eigen::MatrixXd z = x;
  standardization.Apply(z);
  auto standardized = SolveNormalEquations(z.transpose() * z, z.transpose() * y);
  Eigen::VectorXd back = standardization.Coefficients(standardized.coefficients);
  Eigen::VectorXd direct = x.colPivHouseholderQr().solve(y);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(back[j], direct[j], 1e-9 * (1 + std::fabs(direct[j])));
  Eigen::MatrixXd covariance = standardization.Covariance(standardized.inverse);
  Eigen::MatrixXd expected = (x.transpose() * x).inverse();
  EXPECT_NEAR(covariance(1, 1), expected(1, 1), 1e-6 * expected(1, 1));
}

}  // namespace
}  // namespace medfed::stats
