// The GWAS hub's per-variant logistic Newton controller against glm.fit's IRLS (IrlsController)
// on the same rows: the same estimate and standard error, the log-likelihood guard on hard
// variants, and the plink2 error states.
#include "medfed/stats/logistic_newton.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "medfed/stats/glm_irls.h"

namespace medfed::stats {
namespace {

struct Data {
  Eigen::MatrixXd x;  // intercept, dosage, covariate
  Eigen::VectorXd y;
};

// What the sites send: log-likelihood, score and information at theta.
void Evaluate(const Data& data, const Eigen::VectorXd& theta, double& loglik, Eigen::VectorXd& score,
              Eigen::MatrixXd& information) {
  const Eigen::VectorXd eta = data.x * theta;
  loglik = 0;
  score = Eigen::VectorXd::Zero(theta.size());
  information = Eigen::MatrixXd::Zero(theta.size(), theta.size());
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    const double mu = 1 / (1 + std::exp(-eta[i]));
    // y eta - log(1 + e^eta), without overflow far from the fit.
    loglik += data.y[i] * eta[i] - (std::max(eta[i], 0.0) + std::log1p(std::exp(-std::fabs(eta[i]))));
    score += (data.y[i] - mu) * data.x.row(i).transpose();
    information += mu * (1 - mu) * data.x.row(i).transpose() * data.x.row(i);
  }
}

struct NewtonRun {
  LogisticNewton::State state;
  LogisticNewton newton;
  int guarded_evaluations = 0;  // evaluations after the first that asked for the log-likelihood
};

NewtonRun Drive(const Data& data, Eigen::VectorXd start) {
  NewtonRun run{LogisticNewton::State::kEvaluate, LogisticNewton(std::move(start), 1)};
  while (run.state == LogisticNewton::State::kEvaluate) {
    if (run.newton.evaluations() > 0 && run.newton.wants_loglik()) ++run.guarded_evaluations;
    double loglik;
    Eigen::VectorXd score;
    Eigen::MatrixXd information;
    Evaluate(data, run.newton.point(), loglik, score, information);
    run.state = run.newton.Update(loglik, score, information);
  }
  return run;
}

GlmFit Irls(const Data& data) {
  IrlsController controller(GlmFamily::kBinomial, static_cast<size_t>(data.x.cols()), 1e-14, 100);
  const Eigen::VectorXd offset = Eigen::VectorXd::Zero(data.x.rows());
  while (true) {
    const Eigen::VectorXd point = controller.point();
    IrlsSums sums =
        ComputeIrlsSums(GlmFamily::kBinomial, data.x, data.y, offset, controller.AtStart() ? nullptr : &point);
    auto more = controller.Update(sums);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
  }
  return controller.Result();
}

// n samples: dosage from allele frequency `frequency`, a normal covariate, and y from the
// logistic model with the given effects; `y_of` may override y.
Data Simulate(size_t n, double frequency, double dosage_effect, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::binomial_distribution<int> dosage(2, frequency);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Data data{Eigen::MatrixXd(static_cast<Eigen::Index>(n), 3), Eigen::VectorXd(static_cast<Eigen::Index>(n))};
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    data.x(i, 0) = 1;
    data.x(i, 1) = dosage(random);
    data.x(i, 2) = normal(random);
    const double eta = -0.5 + dosage_effect * data.x(i, 1) + 0.8 * data.x(i, 2);
    data.y[i] = uniform(random) < 1 / (1 + std::exp(-eta)) ? 1 : 0;
  }
  return data;
}

void ExpectSameFit(const NewtonRun& run, const GlmFit& irls) {
  ASSERT_EQ(run.state, LogisticNewton::State::kConverged);
  for (Eigen::Index j = 0; j < 3; ++j) {
    EXPECT_NEAR(run.newton.estimate()[j], irls.coefficients[j], 1e-8 * (1 + std::fabs(irls.coefficients[j]))) << j;
  }
  EXPECT_NEAR(std::sqrt(run.newton.inverse_information()(1, 1)), std::sqrt(irls.covariance_unscaled(1, 1)),
              1e-7 * std::sqrt(irls.covariance_unscaled(1, 1)));
}

TEST(LogisticNewtonTest, ACommonVariantConvergesToTheIrlsFitWithoutGuards) {
  Data data = Simulate(2000, 0.3, 0.4, 1);
  NewtonRun run = Drive(data, Eigen::VectorXd::Zero(3));
  ExpectSameFit(run, Irls(data));
  EXPECT_EQ(run.guarded_evaluations, 0);  // steps shrink from the start
  EXPECT_LE(run.newton.evaluations(), 8);
}

TEST(LogisticNewtonTest, ARareVariantWithALargeEffectIsGuardedAndStillExact) {
  // Twelve carriers, eleven of them cases: log OR near 3, reached in steps that do not shrink.
  Data data = Simulate(600, 0.0, 0.0, 2);
  for (Eigen::Index i = 0; i < 12; ++i) {
    data.x(i, 1) = 1;
    data.y[i] = i == 0 ? 0 : 1;
  }
  NewtonRun run = Drive(data, Eigen::VectorXd::Zero(3));
  ExpectSameFit(run, Irls(data));
}

TEST(LogisticNewtonTest, ABadStartIsHalvedBackTowardsTheLastGoodPoint) {
  Data data = Simulate(1000, 0.2, 0.3, 3);
  Eigen::VectorXd start = Eigen::VectorXd::Zero(3);
  NewtonRun run = Drive(data, start);
  // Start at a point with a huge dosage effect: its first steps overshoot.
  Eigen::VectorXd far(3);
  far << 0, 4, 0;
  NewtonRun from_far = Drive(data, far);
  ExpectSameFit(from_far, Irls(data));
  EXPECT_GT(from_far.newton.evaluations(), run.newton.evaluations());
  EXPECT_GE(from_far.guarded_evaluations, 1);
  EXPECT_GE(from_far.newton.halvings(), 1);
  EXPECT_EQ(run.newton.halvings(), 0);
}

TEST(LogisticNewtonTest, AConstantDosageIsAliasedAndSeparationDoesNotConverge) {
  Data constant = Simulate(300, 0.0, 0.0, 4);
  EXPECT_EQ(Drive(constant, Eigen::VectorXd::Zero(3)).state, LogisticNewton::State::kAliased);
  Data separated = Simulate(300, 0.3, 0.0, 5);
  for (Eigen::Index i = 0; i < separated.x.rows(); ++i) separated.y[i] = separated.x(i, 1) > 0 ? 1 : 0;
  NewtonRun run = Drive(separated, Eigen::VectorXd::Zero(3));
  EXPECT_EQ(run.state, LogisticNewton::State::kNotConverged);
  EXPECT_EQ(run.newton.evaluations(), 31);
}

}  // namespace
}  // namespace medfed::stats
