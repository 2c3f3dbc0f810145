// Actuarial (life-table) survival by interval, with relative survival by the Ederer II method
// (Ederer & Heise 1959; as SEER*Stat's "Ederer II" expected survival).
//
// Per interval i from pooled counts: n_i entering, w_i withdrawn (censored) and d_i dying in
// the interval. Effective number at risk n'_i = n_i - w_i / 2; conditional survival
// p_i = 1 - d_i / n'_i; cumulative S_i = prod p_j; Greenwood standard error
// S_i sqrt(sum d_j / (n'_j (n'_j - d_j))). Ederer II: the expected interval survival p*_i is the
// mean expected survival of the patients alive at the start of the interval (sum over them,
// pooled, divided by n_i); relative survival R_i = S_i / prod p*_j, its standard error
// SE(S_i) / prod p*_j.
#pragma once

#include <vector>

namespace medfed::stats {

struct LifeTableRow {
  double start = 0, end = 0;
  double entering = 0, withdrawn = 0, died = 0;
  double effective = 0;
  double interval_survival = 1;
  double survival = 1;
  double std_error = 0;
  // Relative survival (only when expected survival was supplied).
  double expected_interval = 1;
  double expected = 1;
  double relative_interval = 1;
  double relative = 1;
  double relative_std_error = 0;
};

// `expected_sums[i]`: sum over patients alive at the start of interval i of their expected
// survival through the interval; empty when no expected table was supplied.
std::vector<LifeTableRow> ComputeLifeTable(const std::vector<double>& boundaries, const std::vector<double>& entering,
                                           const std::vector<double>& withdrawn, const std::vector<double>& died,
                                           const std::vector<double>& expected_sums);

}  // namespace medfed::stats
