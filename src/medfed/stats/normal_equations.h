// Solving X'WX b = X'Wz when only the cross-products are known (the federated case).
//
// R's glm.fit solves by a QR decomposition of sqrt(W)X with limited column pivoting: a column
// that is (numerically) a combination of earlier columns is aliased and gets an NA
// coefficient. With only X'WX we do the same column by column on the equilibrated matrix
// (unit diagonal): column j is aliased when its squared residual norm after projecting out the
// earlier kept columns is below `tolerance` (default 1e-11, i.e. a relative column norm of
// about 3e-6). Columns are only dropped later-first, as R does.
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace medfed::stats {

struct NormalEquationsSolution {
  Eigen::VectorXd coefficients;  // NaN for aliased columns
  std::vector<bool> aliased;
  Eigen::MatrixXd inverse;  // (X'WX)^-1 on kept columns, NaN rows/columns for aliased ones
  int rank = 0;
};

NormalEquationsSolution SolveNormalEquations(const Eigen::MatrixXd& crossproduct, const Eigen::VectorXd& right_side,
                                             double tolerance = 1e-11);

}  // namespace medfed::stats
