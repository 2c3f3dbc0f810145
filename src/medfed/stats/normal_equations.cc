#include "medfed/stats/normal_equations.h"

#include <cmath>
#include <limits>

namespace medfed::stats {

NormalEquationsSolution SolveNormalEquations(const Eigen::MatrixXd& crossproduct, const Eigen::VectorXd& right_side,
                                             double tolerance) {
  const Eigen::Index p = crossproduct.rows();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  NormalEquationsSolution solution;
  solution.aliased.assign(static_cast<size_t>(p), false);
  solution.coefficients = Eigen::VectorXd::Constant(p, nan);
  solution.inverse = Eigen::MatrixXd::Constant(p, p, nan);

  Eigen::VectorXd scale(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    double d = crossproduct(j, j);
    scale[j] = (d > 0 && std::isfinite(d)) ? std::sqrt(d) : 0.0;
  }
  // Cholesky factor of the kept columns, grown one column at a time.
  std::vector<Eigen::Index> kept;
  Eigen::MatrixXd factor = Eigen::MatrixXd::Zero(p, p);
  for (Eigen::Index j = 0; j < p; ++j) {
    if (scale[j] == 0) {
      solution.aliased[static_cast<size_t>(j)] = true;
      continue;
    }
    const auto k = static_cast<Eigen::Index>(kept.size());
    Eigen::VectorXd column(k);
    for (Eigen::Index i = 0; i < k; ++i) {
      Eigen::Index c = kept[static_cast<size_t>(i)];
      column[i] = crossproduct(c, j) / (scale[c] * scale[j]);
    }
    Eigen::VectorXd projected =
        k > 0 ? factor.topLeftCorner(k, k).triangularView<Eigen::Lower>().solve(column) : Eigen::VectorXd();
    double residual = 1.0 - (k > 0 ? projected.squaredNorm() : 0.0);
    if (!(residual > tolerance)) {
      solution.aliased[static_cast<size_t>(j)] = true;
      continue;
    }
    if (k > 0) factor.row(k).head(k) = projected.transpose();
    factor(k, k) = std::sqrt(residual);
    kept.push_back(j);
  }
  const auto rank = static_cast<Eigen::Index>(kept.size());
  solution.rank = static_cast<int>(rank);
  if (rank == 0) return solution;

  Eigen::MatrixXd lower = factor.topLeftCorner(rank, rank).triangularView<Eigen::Lower>();
  Eigen::VectorXd scaled_right(rank);
  for (Eigen::Index i = 0; i < rank; ++i) {
    Eigen::Index c = kept[static_cast<size_t>(i)];
    scaled_right[i] = right_side[c] / scale[c];
  }
  auto triangular = lower.triangularView<Eigen::Lower>();
  Eigen::VectorXd y = triangular.solve(scaled_right);
  Eigen::VectorXd scaled_coefficients = triangular.transpose().solve(y);
  Eigen::MatrixXd lower_inverse = triangular.solve(Eigen::MatrixXd::Identity(rank, rank));
  Eigen::MatrixXd scaled_inverse = lower_inverse.transpose() * lower_inverse;
  for (Eigen::Index a = 0; a < rank; ++a) {
    Eigen::Index ca = kept[static_cast<size_t>(a)];
    solution.coefficients[ca] = scaled_coefficients[a] / scale[ca];
    for (Eigen::Index b = 0; b < rank; ++b) {
      Eigen::Index cb = kept[static_cast<size_t>(b)];
      solution.inverse(ca, cb) = scaled_inverse(a, b) / (scale[ca] * scale[cb]);
    }
  }
  return solution;
}

}  // namespace medfed::stats
