// The hub's Newton controller for one variant's logistic regression in a GWAS (plink2 --glm
// logistic, no Firth): the sites return the score and information (and, when asked, the
// log-likelihood) at the controller's point; the controller takes Newton steps until they
// vanish, guarding large steps with the log-likelihood the way glm.fit halves a step that makes
// the deviance worse.
//
// Why the log-likelihood is asked for only sometimes: it costs a log per sample at every site.
// It is asked for at the starting point (the null fit) and then only when a step looks wrong:
// Newton steps that keep shrinking are inside the region of quadratic convergence (Nocedal &
// Wright, Numerical Optimization, 2006, thm 3.5) and need no guard. A step that does not shrink
// to half the previous one, or numbers that are not finite, send the same point back with the
// log-likelihood requested; a point worse than the last checked one is halved towards it.
#pragma once

#include <Eigen/Dense>

namespace medfed::stats {

class LogisticNewton {
 public:
  enum class State {
    kEvaluate,      // the sites evaluate at point() (with the log-likelihood if wants_loglik())
    kConverged,     // estimate() and inverse_information() hold the fit
    kNotConverged,  // more than max_iterations evaluations
    kAliased,       // the coefficient of interest is not identifiable (plink2's VIF_INFINITE)
  };

  // `start`: the first point (e.g. the null model's coefficients with 0 for the variant);
  // `index`: the coefficient whose identifiability is required (the dosage).
  LogisticNewton(Eigen::VectorXd start, Eigen::Index index, int max_iterations = 30);

  const Eigen::VectorXd& point() const { return theta_; }
  bool wants_loglik() const { return check_loglik_; }
  State state() const { return state_; }
  int evaluations() const { return evaluations_; }
  int halvings() const { return halvings_; }  // steps taken back towards a better point

  // Takes the pooled sums at point(): the log-likelihood (ignored unless wants_loglik() was
  // true), the score and the information. Returns the new state.
  State Update(double loglik, const Eigen::VectorXd& score, const Eigen::MatrixXd& information);

  // After kConverged: the point plus one last Newton correction, and the inverse information
  // there (standard errors).
  const Eigen::VectorXd& estimate() const { return estimate_; }
  const Eigen::MatrixXd& inverse_information() const { return inverse_; }

 private:
  Eigen::Index index_;
  int max_iterations_;
  State state_ = State::kEvaluate;
  Eigen::VectorXd theta_, previous_theta_, estimate_;
  Eigen::MatrixXd inverse_;
  double previous_loglik_;
  double previous_step_;
  bool check_loglik_ = true;
  int evaluations_ = 0;
  int halvings_ = 0;
};

}  // namespace medfed::stats
