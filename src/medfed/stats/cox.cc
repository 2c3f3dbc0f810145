#include "medfed/stats/cox.h"

#include <algorithm>
#include <cmath>

#include "medfed/stats/normal_equations.h"

namespace medfed::stats {

CoxSiteData::CoxSiteData(Eigen::MatrixXd covariates, std::vector<double> times, std::vector<uint8_t> events,
                         std::vector<int32_t> strata, size_t stratum_count)
    : covariates_(std::move(covariates)),
      times_(std::move(times)),
      events_(std::move(events)),
      strata_(std::move(strata)),
      stratum_count_(stratum_count),
      order_(stratum_count) {
  for (size_t i = 0; i < times_.size(); ++i) {
    order_[static_cast<size_t>(strata_[i])].push_back(static_cast<uint32_t>(i));
  }
  for (auto& rows : order_) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) { return times_[a] > times_[b]; });
  }
}

size_t CoxSiteData::events() const {
  size_t count = 0;
  for (uint8_t event : events_) count += event;
  return count;
}

Status CoxSiteData::AppendSums(const Eigen::VectorXd& beta, const std::vector<double>& event_times, CoxTies ties,
                               std::vector<double>& out) const {
  CoxSumsLayout layout;
  layout.parameters = static_cast<size_t>(covariates_.cols());
  layout.strata = stratum_count_;
  layout.times = event_times.size();
  layout.ties = ties;
  const size_t base = out.size();
  out.resize(base + layout.Size(), 0.0);
  double* sums = out.data() + base;
  const size_t p = layout.parameters;
  const Eigen::VectorXd eta = covariates_ * beta;

  // Sum of x over events.
  for (size_t i = 0; i < times_.size(); ++i) {
    if (!events_[i]) continue;
    for (size_t a = 0; a < p; ++a) sums[a] += covariates_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(a));
  }
  // Adds w x, w x x' of row `row` into a block [S0, S1(p), S2(triangle)].
  auto add_row = [&](double* block, uint32_t row, double w) {
    block[0] += w;
    const auto r = static_cast<Eigen::Index>(row);
    size_t k = 1 + p;
    for (size_t a = 0; a < p; ++a) {
      const double wx = w * covariates_(r, static_cast<Eigen::Index>(a));
      block[1 + a] += wx;
      for (size_t b = a; b < p; ++b) block[k++] += wx * covariates_(r, static_cast<Eigen::Index>(b));
    }
  };
  std::vector<double> risk(layout.Block(), 0.0);
  for (size_t s = 0; s < stratum_count_; ++s) {
    std::fill(risk.begin(), risk.end(), 0.0);
    const auto& rows = order_[s];
    size_t next = 0;
    for (size_t k = event_times.size(); k-- > 0;) {
      const double t = event_times[k];
      double* entry = sums + layout.Offset(s, k);
      double* tied = entry + 1 + layout.Block();
      while (next < rows.size() && times_[rows[next]] >= t) {
        const uint32_t row = rows[next];
        const double w = std::exp(eta[static_cast<Eigen::Index>(row)]);
        add_row(risk.data(), row, w);
        if (events_[row]) {
          if (times_[row] != t) {
            return Internal("event time " + std::to_string(times_[row]) +
                            " is missing from the pooled list of event times");
          }
          entry[0] += 1;
          if (ties == CoxTies::kEfron) add_row(tied, row, w);
        }
        ++next;
      }
      std::copy(risk.begin(), risk.end(), entry + 1);
    }
    // Events earlier than the first listed time would also be protocol errors.
    for (; next < rows.size(); ++next) {
      if (events_[rows[next]]) {
        return Internal("event time " + std::to_string(times_[rows[next]]) +
                        " is missing from the pooled list of event times");
      }
    }
  }
  return absl::OkStatus();
}

CoxDerivatives CoxFromPooledSums(const std::vector<double>& pooled, const CoxSumsLayout& layout,
                                 const Eigen::VectorXd& beta) {
  const auto p = static_cast<Eigen::Index>(layout.parameters);
  CoxDerivatives result;
  result.score = Eigen::VectorXd::Zero(p);
  result.information = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd event_sum(p);
  for (Eigen::Index a = 0; a < p; ++a) event_sum[a] = pooled[static_cast<size_t>(a)];
  result.log_likelihood = event_sum.dot(beta);
  result.score = event_sum;

  auto unpack = [&](const double* block, double& s0, Eigen::VectorXd& s1, Eigen::MatrixXd& s2) {
    s0 = block[0];
    for (Eigen::Index a = 0; a < p; ++a) s1[a] = block[1 + a];
    size_t k = 1 + static_cast<size_t>(p);
    for (Eigen::Index a = 0; a < p; ++a) {
      for (Eigen::Index b = a; b < p; ++b) {
        s2(a, b) = block[k];
        s2(b, a) = block[k];
        ++k;
      }
    }
  };
  Eigen::VectorXd s1(p), e1(p), a(p);
  Eigen::MatrixXd s2(p, p), e2(p, p);
  for (size_t s = 0; s < layout.strata; ++s) {
    for (size_t k = 0; k < layout.times; ++k) {
      const double* entry = pooled.data() + layout.Offset(s, k);
      const double d = std::round(entry[0]);
      if (d <= 0) continue;
      double s0 = 0, e0 = 0;
      unpack(entry + 1, s0, s1, s2);
      if (layout.ties == CoxTies::kBreslow) {
        a = s1 / s0;
        result.log_likelihood -= d * std::log(s0);
        result.score -= d * a;
        result.information += d * (s2 / s0 - a * a.transpose());
        continue;
      }
      unpack(entry + 1 + layout.Block(), e0, e1, e2);
      for (int r = 0; r < static_cast<int>(d); ++r) {
        const double fraction = r / d;
        const double denominator = s0 - fraction * e0;
        a = (s1 - fraction * e1) / denominator;
        result.log_likelihood -= std::log(denominator);
        result.score -= a;
        result.information += (s2 - fraction * e2) / denominator - a * a.transpose();
      }
    }
  }
  return result;
}

CoxNewton::CoxNewton(size_t parameters, double epsilon, int max_iterations)
    : parameters_(parameters),
      epsilon_(epsilon),
      max_iterations_(max_iterations),
      beta_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(parameters))),
      new_beta_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(parameters))),
      aliased_(parameters, false) {}

void CoxNewton::Finish(const CoxDerivatives& at_point, bool converged) {
  NormalEquationsSolution solution = SolveNormalEquations(at_point.information, at_point.score);
  fit_.coefficients = new_beta_;
  fit_.aliased = aliased_;
  fit_.variance = solution.inverse;
  fit_.information = at_point.information;
  for (size_t j = 0; j < parameters_; ++j) {
    if (aliased_[j] || solution.aliased[j]) {
      fit_.aliased[j] = true;
      fit_.coefficients[static_cast<Eigen::Index>(j)] = std::nan("");
    }
  }
  fit_.log_likelihood = at_point.log_likelihood;
  fit_.iterations = iteration_;
  fit_.converged = converged;
  if (!converged) fit_.warnings.emplace_back("Ran out of iterations and did not converge");
}

StatusOr<bool> CoxNewton::Update(const CoxDerivatives& at_point) {
  if (!started_) {
    // Evaluation at the initial coefficients (zero): null log-likelihood and score test.
    started_ = true;
    fit_.log_likelihood_null = at_point.log_likelihood;
    log_likelihood_ = at_point.log_likelihood;
    NormalEquationsSolution step = SolveNormalEquations(at_point.information, at_point.score);
    if (step.rank == 0) return InvalidArgument("the information matrix is zero; nothing to fit");
    aliased_ = step.aliased;
    fit_.score_test = 0;
    for (Eigen::Index j = 0; j < step.coefficients.size(); ++j) {
      if (step.aliased[static_cast<size_t>(j)]) continue;
      fit_.score_test += at_point.score[j] * step.coefficients[j];
      new_beta_[j] = beta_[j] + step.coefficients[j];
    }
    iteration_ = 1;
    if (max_iterations_ == 0) {
      Finish(at_point, false);
      return false;
    }
    return true;
  }
  const double new_log_likelihood = at_point.log_likelihood;
  if (!std::isfinite(new_log_likelihood)) {
    return InvalidArgument(
        "the partial likelihood is not finite; the model cannot be fitted "
        "(check for a covariate that separates events perfectly)");
  }
  if (std::fabs(1 - log_likelihood_ / new_log_likelihood) <= epsilon_ && !halving_) {
    Finish(at_point, true);
    return false;
  }
  if (iteration_ == max_iterations_) {
    Finish(at_point, false);
    return false;
  }
  ++iteration_;
  if (new_log_likelihood < log_likelihood_) {
    halving_ = true;
    new_beta_ = (new_beta_ + beta_) / 2;
    return true;
  }
  halving_ = false;
  log_likelihood_ = new_log_likelihood;
  NormalEquationsSolution step = SolveNormalEquations(at_point.information, at_point.score);
  beta_ = new_beta_;
  for (Eigen::Index j = 0; j < step.coefficients.size(); ++j) {
    if (step.aliased[static_cast<size_t>(j)] || aliased_[static_cast<size_t>(j)]) continue;
    new_beta_[j] += step.coefficients[j];
  }
  return true;
}

}  // namespace medfed::stats
