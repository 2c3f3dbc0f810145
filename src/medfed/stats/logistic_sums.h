// The per-sample sums a logistic-regression Newton step needs, for many small models at once
// (one per variant in a GWAS): with fitted probabilities mu and 0/1 weights v (a sample's
// missing genotype gives 0),
//   score       = X' v (y - mu)
//   information = X' diag(v mu (1 - mu)) X      (upper triangle, row by row)
// For up to kFusedLogisticColumns columns this is one pass over the samples on 4-wide SIMD
// registers (every accumulator stays in a register); wider designs use blocked matrix products.
#pragma once

#include <Eigen/Dense>

namespace medfed::stats {

inline constexpr int kFusedLogisticColumns = 6;

// x: n x q, column-major. score: q values; information: q (q + 1) / 2 values. Returns sum(v).
double AccumulateLogisticSums(const Eigen::MatrixXd& x, const Eigen::ArrayXd& mu, const Eigen::ArrayXd& y,
                              const Eigen::ArrayXd& valid, double* score, double* information);

}  // namespace medfed::stats
