#include "medfed/stats/life_table.h"

#include <cmath>

namespace medfed::stats {

std::vector<LifeTableRow> ComputeLifeTable(const std::vector<double>& boundaries, const std::vector<double>& entering,
                                           const std::vector<double>& withdrawn, const std::vector<double>& died,
                                           const std::vector<double>& expected_sums) {
  std::vector<LifeTableRow> rows;
  double survival = 1, greenwood = 0, expected = 1;
  const bool relative = !expected_sums.empty();
  for (size_t i = 0; i + 1 < boundaries.size(); ++i) {
    LifeTableRow row;
    row.start = boundaries[i];
    row.end = boundaries[i + 1];
    row.entering = entering[i];
    row.withdrawn = withdrawn[i];
    row.died = died[i];
    row.effective = row.entering - row.withdrawn / 2;
    if (row.effective <= 0) break;  // nobody left at risk
    row.interval_survival = 1 - row.died / row.effective;
    survival *= row.interval_survival;
    greenwood += row.effective > row.died ? row.died / (row.effective * (row.effective - row.died)) : INFINITY;
    row.survival = survival;
    row.std_error = survival > 0 ? survival * std::sqrt(greenwood) : std::nan("");
    if (relative) {
      row.expected_interval = row.entering > 0 ? expected_sums[i] / row.entering : 1.0;
      expected *= row.expected_interval;
      row.expected = expected;
      row.relative_interval = row.interval_survival / row.expected_interval;
      row.relative = survival / expected;
      row.relative_std_error = row.std_error / expected;
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace medfed::stats
