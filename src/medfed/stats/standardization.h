// Centring and scaling of design columns before cross-products are accumulated.
//
// X'WX of raw columns (age next to age^2, a year next to an intercept) can have a condition
// number of 1e10 or more, which costs the normal equations five or more digits against R's QR.
// The sites therefore accumulate cross-products of standardised columns
//   x~_j = (x_j - center_j * x_intercept) / scale_j
// with constants the hub derives from the pooled column moments, so that every site uses the
// same transformation. X b = X~ b~ with b = A b~, and Cov(b) = A Cov(b~) A'. The fitted values,
// deviance and IRLS iterations are unchanged (IRLS is invariant to a linear re-parametrisation).
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace medfed::stats {

class ColumnStandardization {
 public:
  ColumnStandardization() = default;
  // From pooled sums of each column and of its squares over `rows` rows. Only non-intercept
  // columns are centred, and only when the model has an intercept.
  static ColumnStandardization FromMoments(const std::vector<double>& sums, const std::vector<double>& sums_of_squares,
                                           double rows, int intercept_column);
  // Reconstructs one from the values a hub sends to the sites.
  static ColumnStandardization FromParameters(const std::vector<double>& centers, const std::vector<double>& scales,
                                              int intercept_column);

  const std::vector<double>& centers() const { return centers_; }
  const std::vector<double>& scales() const { return scales_; }
  int intercept_column() const { return intercept_column_; }

  void Apply(Eigen::MatrixXd& design) const;
  // A, with b = A b~.
  Eigen::MatrixXd Transform() const;
  // Maps standardised coefficients (NaN = aliased, treated as 0 in the mapping) back.
  Eigen::VectorXd Coefficients(const Eigen::VectorXd& standardized) const;
  Eigen::MatrixXd Covariance(const Eigen::MatrixXd& standardized) const;

 private:
  std::vector<double> centers_;
  std::vector<double> scales_;
  int intercept_column_ = -1;
};

}  // namespace medfed::stats
