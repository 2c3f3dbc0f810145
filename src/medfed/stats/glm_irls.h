// Iteratively reweighted least squares split into a site part and a hub part.
//
// Site: ComputeIrlsSums evaluates, at the current coefficients (or at R's mustart in the first
// iteration), the deviance, log-likelihood and the weighted cross-products X'WX and X'Wz of its
// own rows. These are sums over rows, so the pooled value is the sum over sites.
// Hub: IrlsController replays R's glm.fit loop on the pooled sums: solve for new coefficients,
// step-halve on an invalid deviance, stop when |dev - devold| / (|dev| + 0.1) < epsilon.
// Fitting the same rows in one piece or split over sites gives the same iterates.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "medfed/core/status.h"
#include "medfed/stats/glm_family.h"
#include "medfed/stats/normal_equations.h"

namespace medfed::stats {

struct IrlsSums {
  double deviance = 0;
  double log_likelihood = 0;
  double invalid = 0;            // rows whose mu is invalid for the family (or eta not finite)
  double boundary = 0;           // rows with fitted values numerically 0 or 1 (R's warnings)
  Eigen::MatrixXd crossproduct;  // X'WX, symmetric
  Eigen::VectorXd right_side;    // X'Wz

  // Flat layout for secure aggregation: 4 scalars, the upper triangle, then X'Wz.
  static size_t PackedSize(size_t parameters);
  void AppendPacked(std::vector<double>& out) const;
  static IrlsSums Unpack(const double* data, size_t parameters);
};

// `coefficients` = nullptr evaluates at the family's starting values (R's mustart), or at
// `start_mu` when that is given (R's mustart argument, used for the null model with offsets).
IrlsSums ComputeIrlsSums(GlmFamily family, const Eigen::MatrixXd& design, const Eigen::VectorXd& response,
                         const Eigen::VectorXd& offset, const Eigen::VectorXd* coefficients,
                         const Eigen::VectorXd* start_mu = nullptr);

struct GlmFit {
  Eigen::VectorXd coefficients;  // NaN where aliased
  std::vector<bool> aliased;
  Eigen::MatrixXd covariance_unscaled;  // (X'WX)^-1 from the last weighted fit
  double deviance = 0;
  double log_likelihood = 0;
  int iterations = 0;
  int rank = 0;
  bool converged = false;
  std::vector<std::string> warnings;
};

class IrlsController {
 public:
  IrlsController(GlmFamily family, size_t parameters, double epsilon = 1e-8, int max_iterations = 25);

  // True until the first Update: evaluate at the starting values, not at coefficients.
  bool AtStart() const { return iteration_ == 0; }
  // Coefficients at which the sites evaluate next (after an Update returned true).
  const Eigen::VectorXd& point() const { return point_; }
  // Takes the pooled sums at the current point. Returns true when another evaluation is
  // needed, false when the fit is finished (see Result()).
  StatusOr<bool> Update(const IrlsSums& pooled);
  GlmFit Result() const { return result_; }

 private:
  GlmFamily family_;
  size_t parameters_;
  double epsilon_;
  int max_iterations_;
  int iteration_ = 0;
  int halvings_ = 0;
  double previous_deviance_ = 0;
  Eigen::VectorXd point_;
  std::optional<Eigen::VectorXd> previous_point_;
  NormalEquationsSolution last_solution_;
  GlmFit result_;
};

}  // namespace medfed::stats
