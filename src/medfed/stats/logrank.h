// The log-rank test (R's survival::survdiff with rho = 0), stratified or not, from pooled
// counts: for every stratum and every event time, the number at risk and the number of events
// in each group.
#pragma once

#include <vector>

namespace medfed::stats {

// counts[s][k][g] for stratum s, event time k, group g.
struct LogRankInput {
  std::vector<std::vector<std::vector<double>>> n_risk;
  std::vector<std::vector<std::vector<double>>> n_event;
};

struct LogRankResult {
  std::vector<double> observed;  // per group, summed over strata
  std::vector<double> expected;
  std::vector<std::vector<double>> variance;  // group x group
  double statistic = 0;                       // chi-square
  int df = 0;
  double p_value = 1;
};

LogRankResult ComputeLogRank(const LogRankInput& input, int groups);

}  // namespace medfed::stats
