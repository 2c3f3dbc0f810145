#include "medfed/stats/logistic_newton.h"

#include <cmath>

#include "medfed/stats/normal_equations.h"

namespace medfed::stats {
namespace {

constexpr double kSmallNewtonStep = 1e-3;  // log-odds units: below it a step needs no guard
constexpr double kRelativeTolerance = 1e-8;

}  // namespace

LogisticNewton::LogisticNewton(Eigen::VectorXd start, Eigen::Index index, int max_iterations)
    : index_(index),
      max_iterations_(max_iterations),
      theta_(std::move(start)),
      previous_loglik_(-INFINITY),
      previous_step_(INFINITY) {}

LogisticNewton::State LogisticNewton::Update(double loglik, const Eigen::VectorXd& score,
                                             const Eigen::MatrixXd& information) {
  if (state_ != State::kEvaluate) return state_;
  if (++evaluations_ > max_iterations_) return state_ = State::kNotConverged;
  const bool have_loglik = check_loglik_;
  const bool finite = score.allFinite() && information.allFinite();
  if (have_loglik && (!std::isfinite(loglik) || !finite || loglik < previous_loglik_ - 1e-9)) {
    // Nowhere to go back to: the start itself is unusable.
    if (previous_theta_.size() == 0) return state_ = State::kNotConverged;
    // Worse than the last checked point: halve towards it.
    theta_ = (theta_ + previous_theta_) / 2;
    ++halvings_;
    return state_;
  }
  if (!have_loglik && !finite) {
    check_loglik_ = true;
    return state_;
  }
  NormalEquationsSolution step = SolveNormalEquations(information, score);
  if (step.aliased[static_cast<size_t>(index_)]) return state_ = State::kAliased;
  Eigen::VectorXd delta = step.coefficients;
  for (Eigen::Index j = 0; j < delta.size(); ++j) {
    if (std::isnan(delta[j])) delta[j] = 0;  // an aliased nuisance coefficient stays put
  }
  const double scale = 1 + theta_.cwiseAbs().maxCoeff();
  const double step_size = delta.cwiseAbs().maxCoeff();
  if (!have_loglik && step_size > kSmallNewtonStep && step_size > 0.5 * previous_step_) {
    check_loglik_ = true;
    return state_;
  }
  if (step_size < kRelativeTolerance * scale) {
    // Converged: one last Newton correction; standard errors from the information here.
    estimate_ = theta_ + delta;
    inverse_ = step.inverse;
    return state_ = State::kConverged;
  }
  previous_theta_ = theta_;
  if (have_loglik) previous_loglik_ = loglik;
  check_loglik_ = false;
  previous_step_ = step_size;
  theta_ += delta;
  return state_;
}

}  // namespace medfed::stats
