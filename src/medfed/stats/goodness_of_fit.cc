#include "medfed/stats/goodness_of_fit.h"

#include <utility>
#include <vector>

#include "medfed/stats/distributions.h"

namespace medfed::stats {

double PearsonGoodnessOfFitP(const std::map<int64_t, int>& counts, const std::map<int64_t, double>& probabilities,
                             int draws) {
  std::vector<std::pair<double, double>> bins;  // expected, observed
  double expected = 0, observed = 0;
  for (const auto& [value, probability] : probabilities) {
    expected += probability * draws;
    auto found = counts.find(value);
    observed += found == counts.end() ? 0 : found->second;
    if (expected >= 5) {
      bins.emplace_back(expected, observed);
      expected = observed = 0;
    }
  }
  if (bins.empty()) return 1;
  bins.back().first += expected;
  bins.back().second += observed;
  double statistic = 0;
  for (auto [e, o] : bins) statistic += (o - e) * (o - e) / e;
  return bins.size() < 2 ? 1 : ChiSquareUpperP(statistic, static_cast<double>(bins.size() - 1));
}

}  // namespace medfed::stats
