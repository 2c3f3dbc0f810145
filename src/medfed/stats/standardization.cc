#include "medfed/stats/standardization.h"

#include <cmath>

namespace medfed::stats {

ColumnStandardization ColumnStandardization::FromMoments(const std::vector<double>& sums,
                                                         const std::vector<double>& sums_of_squares, double rows,
                                                         int intercept_column) {
  ColumnStandardization result;
  result.intercept_column_ = intercept_column;
  const size_t p = sums.size();
  result.centers_.assign(p, 0.0);
  result.scales_.assign(p, 1.0);
  if (rows <= 0) return result;
  for (size_t j = 0; j < p; ++j) {
    if (static_cast<int>(j) == intercept_column) continue;
    double mean = sums[j] / rows;
    double second_moment = sums_of_squares[j] / rows;
    if (intercept_column >= 0) {
      result.centers_[j] = mean;
      double variance = second_moment - mean * mean;
      if (variance > 1e-12 * std::max(second_moment, 1e-300)) {
        result.scales_[j] = std::sqrt(variance);
      }
    } else if (second_moment > 0) {
      result.scales_[j] = std::sqrt(second_moment);
    }
  }
  return result;
}

ColumnStandardization ColumnStandardization::FromParameters(const std::vector<double>& centers,
                                                            const std::vector<double>& scales, int intercept_column) {
  ColumnStandardization result;
  result.centers_ = centers;
  result.scales_ = scales;
  result.intercept_column_ = intercept_column;
  return result;
}

void ColumnStandardization::Apply(Eigen::MatrixXd& design) const {
  for (Eigen::Index j = 0; j < design.cols(); ++j) {
    auto c = static_cast<size_t>(j);
    if (static_cast<int>(j) == intercept_column_) continue;
    if (centers_[c] != 0 && intercept_column_ >= 0) {
      design.col(j).array() -= centers_[c] * design.col(intercept_column_).array();
    }
    if (scales_[c] != 1.0) design.col(j) /= scales_[c];
  }
}

Eigen::MatrixXd ColumnStandardization::Transform() const {
  const auto p = static_cast<Eigen::Index>(scales_.size());
  Eigen::MatrixXd transform = Eigen::MatrixXd::Zero(p, p);
  for (Eigen::Index j = 0; j < p; ++j) {
    auto c = static_cast<size_t>(j);
    transform(j, j) = 1.0 / scales_[c];
    if (intercept_column_ >= 0 && static_cast<int>(j) != intercept_column_) {
      transform(intercept_column_, j) = -centers_[c] / scales_[c];
    }
  }
  return transform;
}

Eigen::VectorXd ColumnStandardization::Coefficients(const Eigen::VectorXd& standardized) const {
  Eigen::VectorXd finite = standardized;
  for (Eigen::Index j = 0; j < finite.size(); ++j) {
    if (std::isnan(finite[j])) finite[j] = 0.0;
  }
  Eigen::VectorXd result = Transform() * finite;
  for (Eigen::Index j = 0; j < result.size(); ++j) {
    if (std::isnan(standardized[j])) result[j] = standardized[j];
  }
  return result;
}

Eigen::MatrixXd ColumnStandardization::Covariance(const Eigen::MatrixXd& standardized) const {
  Eigen::MatrixXd finite = standardized;
  std::vector<bool> aliased(static_cast<size_t>(finite.rows()), false);
  for (Eigen::Index j = 0; j < finite.rows(); ++j) {
    if (std::isnan(finite(j, j))) aliased[static_cast<size_t>(j)] = true;
  }
  for (Eigen::Index a = 0; a < finite.rows(); ++a) {
    for (Eigen::Index b = 0; b < finite.cols(); ++b) {
      if (std::isnan(finite(a, b))) finite(a, b) = 0.0;
    }
  }
  Eigen::MatrixXd transform = Transform();
  Eigen::MatrixXd result = transform * finite * transform.transpose();
  for (Eigen::Index j = 0; j < result.rows(); ++j) {
    if (aliased[static_cast<size_t>(j)]) {
      result.row(j).setConstant(std::nan(""));
      result.col(j).setConstant(std::nan(""));
    }
  }
  return result;
}

}  // namespace medfed::stats
