// Cox proportional hazards split into a site part and a hub part (docs/protocols/cox.md).
//
// The partial likelihood, its score and information depend on the data only through, for
// every stratum s and every distinct event time t, the risk-set sums
//   S0 = sum_{j at risk} w_j,  S1 = sum w_j x_j,  S2 = sum w_j x_j x_j'     (w_j = exp(x_j'b))
// and, for Efron's approximation, the same sums over the events at t (E0, E1, E2), plus the
// number of events d and the sum of x over all events. These are sums over rows, so each site
// computes its part and the hub receives their secure sum. The hub then evaluates exactly what
// R's coxph evaluates (survival's coxfit6.c) and replays its Newton-Raphson iteration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "medfed/core/status.h"

namespace medfed::stats {

enum class CoxTies { kEfron, kBreslow };

// Where each quantity sits in the summed vector.
struct CoxSumsLayout {
  size_t parameters = 0;
  size_t strata = 1;
  size_t times = 0;
  CoxTies ties = CoxTies::kEfron;

  size_t Triangle() const { return parameters * (parameters + 1) / 2; }
  size_t Block() const { return 1 + parameters + Triangle(); }  // S0, S1, S2
  size_t PerTime() const { return 1 + Block() * (ties == CoxTies::kEfron ? 2 : 1); }
  // [sum of x over events (p)] then per (stratum, time): d, S-block[, E-block]
  size_t Size() const { return parameters + strata * times * PerTime(); }
  size_t Offset(size_t stratum, size_t time) const { return parameters + (stratum * times + time) * PerTime(); }
};

// One site's rows, prepared once: covariates (already standardised), times, events, strata.
class CoxSiteData {
 public:
  CoxSiteData(Eigen::MatrixXd covariates, std::vector<double> times, std::vector<uint8_t> events,
              std::vector<int32_t> strata, size_t stratum_count);

  size_t rows() const { return times_.size(); }
  size_t events() const;

  // Appends the site's sums at coefficients `beta` over the pooled distinct event times
  // `event_times` (ascending). Fails if one of the site's own event times is not in the list.
  Status AppendSums(const Eigen::VectorXd& beta, const std::vector<double>& event_times, CoxTies ties,
                    std::vector<double>& out) const;

 private:
  Eigen::MatrixXd covariates_;
  std::vector<double> times_;
  std::vector<uint8_t> events_;
  std::vector<int32_t> strata_;
  size_t stratum_count_;
  std::vector<std::vector<uint32_t>> order_;  // per stratum, rows by descending time
};

struct CoxDerivatives {
  double log_likelihood = 0;
  Eigen::VectorXd score;
  Eigen::MatrixXd information;
};

// log partial likelihood, score and information at `beta` from the pooled sums.
CoxDerivatives CoxFromPooledSums(const std::vector<double>& pooled, const CoxSumsLayout& layout,
                                 const Eigen::VectorXd& beta);

struct CoxFit {
  Eigen::VectorXd coefficients;  // NaN where aliased
  std::vector<bool> aliased;
  Eigen::MatrixXd variance;     // inverse information at the estimate
  Eigen::MatrixXd information;  // at the estimate
  double log_likelihood_null = 0;
  double log_likelihood = 0;
  double score_test = 0;
  int iterations = 0;
  bool converged = false;
  std::vector<std::string> warnings;
};

// R's coxfit6 Newton-Raphson: start at 0, step by I^-1 U, halve a step that lowers the
// likelihood, stop when |1 - loglik_old / loglik_new| <= epsilon (1e-9, maximum 20 iterations).
class CoxNewton {
 public:
  explicit CoxNewton(size_t parameters, double epsilon = 1e-9, int max_iterations = 20);

  // Coefficients at which the sites evaluate next.
  const Eigen::VectorXd& point() const { return new_beta_; }
  // Takes the derivatives at point(); returns true when another evaluation is needed.
  StatusOr<bool> Update(const CoxDerivatives& at_point);
  const CoxFit& Result() const { return fit_; }

 private:
  void Finish(const CoxDerivatives& at_point, bool converged);

  size_t parameters_;
  double epsilon_;
  int max_iterations_;
  bool started_ = false;
  int iteration_ = 0;
  bool halving_ = false;
  double log_likelihood_ = 0;
  Eigen::VectorXd beta_;
  Eigen::VectorXd new_beta_;
  std::vector<bool> aliased_;
  CoxFit fit_;
};

}  // namespace medfed::stats
