#include "medfed/stats/logrank.h"

#include <Eigen/Dense>

#include "medfed/stats/distributions.h"

namespace medfed::stats {

LogRankResult ComputeLogRank(const LogRankInput& input, int groups) {
  const auto g_count = static_cast<size_t>(groups);
  LogRankResult result;
  result.observed.assign(g_count, 0);
  result.expected.assign(g_count, 0);
  result.variance.assign(g_count, std::vector<double>(g_count, 0));
  for (size_t s = 0; s < input.n_risk.size(); ++s) {
    for (size_t k = 0; k < input.n_risk[s].size(); ++k) {
      const auto& at_risk = input.n_risk[s][k];
      const auto& events = input.n_event[s][k];
      double n = 0, d = 0;
      for (size_t g = 0; g < g_count; ++g) {
        n += at_risk[g];
        d += events[g];
      }
      if (d == 0 || n == 0) continue;
      for (size_t g = 0; g < g_count; ++g) {
        result.observed[g] += events[g];
        result.expected[g] += at_risk[g] * d / n;
      }
      if (n > 1) {
        // survdiff: var[j, k] += d (n - d) / (n^2 (n - 1)) * n_j (delta_jk n - n_k)
        const double factor = d * (n - d) / (n * n * (n - 1));
        for (size_t a = 0; a < g_count; ++a) {
          for (size_t b = 0; b < g_count; ++b) {
            result.variance[a][b] += factor * at_risk[a] * ((a == b ? n : 0.0) - at_risk[b]);
          }
        }
      }
    }
  }
  // As survdiff: keep groups with expected > 0, drop the first of them, solve.
  std::vector<size_t> kept;
  for (size_t g = 0; g < g_count; ++g) {
    if (result.expected[g] > 0) kept.push_back(g);
  }
  if (kept.size() < 2) {
    result.statistic = 0;
    result.df = 0;
    result.p_value = 1;
    return result;
  }
  const auto m = static_cast<Eigen::Index>(kept.size() - 1);
  Eigen::VectorXd difference(m);
  Eigen::MatrixXd variance(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    size_t ga = kept[static_cast<size_t>(a) + 1];
    difference[a] = result.observed[ga] - result.expected[ga];
    for (Eigen::Index b = 0; b < m; ++b) {
      variance(a, b) = result.variance[ga][kept[static_cast<size_t>(b) + 1]];
    }
  }
  Eigen::VectorXd solved = variance.ldlt().solve(difference);
  result.statistic = difference.dot(solved);
  result.df = static_cast<int>(m);
  result.p_value = ChiSquareUpperP(result.statistic, result.df);
  return result;
}

}  // namespace medfed::stats
