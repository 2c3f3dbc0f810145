#include "medfed/stats/glm_irls.h"

#include <cfloat>
#include <cmath>

namespace medfed::stats {

size_t IrlsSums::PackedSize(size_t parameters) { return 4 + parameters * (parameters + 1) / 2 + parameters; }

void IrlsSums::AppendPacked(std::vector<double>& out) const {
  out.push_back(deviance);
  out.push_back(log_likelihood);
  out.push_back(invalid);
  out.push_back(boundary);
  const Eigen::Index p = crossproduct.rows();
  for (Eigen::Index i = 0; i < p; ++i) {
    for (Eigen::Index j = i; j < p; ++j) out.push_back(crossproduct(i, j));
  }
  for (Eigen::Index i = 0; i < p; ++i) out.push_back(right_side[i]);
}

IrlsSums IrlsSums::Unpack(const double* data, size_t parameters) {
  IrlsSums sums;
  sums.deviance = data[0];
  sums.log_likelihood = data[1];
  sums.invalid = data[2];
  sums.boundary = data[3];
  const auto p = static_cast<Eigen::Index>(parameters);
  sums.crossproduct.resize(p, p);
  size_t k = 4;
  for (Eigen::Index i = 0; i < p; ++i) {
    for (Eigen::Index j = i; j < p; ++j) {
      sums.crossproduct(i, j) = data[k];
      sums.crossproduct(j, i) = data[k];
      ++k;
    }
  }
  sums.right_side.resize(p);
  for (Eigen::Index i = 0; i < p; ++i) sums.right_side[i] = data[k++];
  return sums;
}

IrlsSums ComputeIrlsSums(GlmFamily family, const Eigen::MatrixXd& design, const Eigen::VectorXd& response,
                         const Eigen::VectorXd& offset, const Eigen::VectorXd* coefficients,
                         const Eigen::VectorXd* start_mu) {
  const Eigen::Index n = design.rows();
  const Eigen::Index p = design.cols();
  Eigen::VectorXd eta(n);
  if (coefficients != nullptr) {
    eta.noalias() = design * *coefficients;
    eta += offset;
  } else {
    for (Eigen::Index i = 0; i < n; ++i) {
      double mu = start_mu != nullptr ? (*start_mu)[i] : StartingMu(family, response[i]);
      eta[i] = LinkFunction(family, mu);
    }
  }
  IrlsSums sums;
  // sqrt(W) X and sqrt(W) z, as in R's Cdqrls call.
  Eigen::VectorXd root_weight(n);
  Eigen::VectorXd weighted_z(n);
  const double boundary_epsilon = 10 * DBL_EPSILON;
  for (Eigen::Index i = 0; i < n; ++i) {
    double mu = InverseLink(family, eta[i]);
    double y = response[i];
    sums.deviance += DevianceResidual(family, y, mu);
    sums.log_likelihood += LogLikelihoodTerm(family, y, mu);
    if (!std::isfinite(eta[i]) || !ValidMu(family, mu)) sums.invalid += 1;
    if ((family == GlmFamily::kBinomial && (mu > 1 - boundary_epsilon || mu < boundary_epsilon)) ||
        (family == GlmFamily::kPoisson && mu < boundary_epsilon)) {
      sums.boundary += 1;
    }
    double derivative = MuEta(family, eta[i]);
    if (derivative == 0) {  // R drops such rows from the weighted fit ("good")
      root_weight[i] = 0;
      weighted_z[i] = 0;
      continue;
    }
    double z = (eta[i] - offset[i]) + (y - mu) / derivative;
    double w = std::sqrt(derivative * derivative / VarianceFunction(family, mu));
    root_weight[i] = w;
    weighted_z[i] = z * w;
  }
  Eigen::MatrixXd weighted = root_weight.asDiagonal() * design;
  sums.crossproduct = Eigen::MatrixXd::Zero(p, p);
  sums.crossproduct.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
  sums.crossproduct.triangularView<Eigen::StrictlyUpper>() =
      sums.crossproduct.transpose().triangularView<Eigen::StrictlyUpper>();
  sums.right_side.noalias() = weighted.transpose() * weighted_z;
  return sums;
}

IrlsController::IrlsController(GlmFamily family, size_t parameters, double epsilon, int max_iterations)
    : family_(family), parameters_(parameters), epsilon_(epsilon), max_iterations_(max_iterations) {}

StatusOr<bool> IrlsController::Update(const IrlsSums& pooled) {
  auto solve = [&](const IrlsSums& sums) -> Status {
    last_solution_ = SolveNormalEquations(sums.crossproduct, sums.right_side);
    if (last_solution_.rank == 0) {
      return InvalidArgument("every column of the model is zero or aliased; nothing to fit");
    }
    point_ = last_solution_.coefficients;
    for (Eigen::Index j = 0; j < point_.size(); ++j) {
      if (std::isnan(point_[j])) point_[j] = 0.0;  // aliased columns contribute nothing
    }
    return absl::OkStatus();
  };

  if (iteration_ == 0) {
    previous_deviance_ = pooled.deviance;
    RETURN_IF_ERROR(solve(pooled));
    iteration_ = 1;
    return true;
  }
  const double deviance = pooled.deviance;
  if (!std::isfinite(deviance) || pooled.invalid > 0) {
    // R: step halving towards the previous coefficients.
    if (!previous_point_) {
      return InvalidArgument(
          "no valid set of coefficients has been found (the first step already gives "
          "invalid fitted values); check the response coding and the covariates");
    }
    if (++halvings_ > max_iterations_) {
      return InvalidArgument("IRLS step halving failed; the model cannot be fitted");
    }
    point_ = (point_ + *previous_point_) / 2;
    return true;
  }
  halvings_ = 0;
  const bool converged = std::fabs(deviance - previous_deviance_) / (std::fabs(deviance) + 0.1) < epsilon_;
  if (converged || iteration_ >= max_iterations_) {
    result_.coefficients = last_solution_.coefficients;
    for (Eigen::Index j = 0; j < point_.size(); ++j) {
      if (!last_solution_.aliased[static_cast<size_t>(j)]) result_.coefficients[j] = point_[j];
    }
    result_.aliased = last_solution_.aliased;
    result_.covariance_unscaled = last_solution_.inverse;
    result_.deviance = deviance;
    result_.log_likelihood = pooled.log_likelihood;
    result_.iterations = iteration_;
    result_.rank = last_solution_.rank;
    result_.converged = converged;
    if (!converged) result_.warnings.emplace_back("glm.fit: algorithm did not converge");
    if (pooled.boundary > 0) {
      result_.warnings.emplace_back(family_ == GlmFamily::kBinomial
                                        ? "glm.fit: fitted probabilities numerically 0 or 1 occurred"
                                        : "glm.fit: fitted rates numerically 0 occurred");
    }
    return false;
  }
  previous_deviance_ = deviance;
  previous_point_ = point_;
  RETURN_IF_ERROR(solve(pooled));
  ++iteration_;
  return true;
}

}  // namespace medfed::stats
