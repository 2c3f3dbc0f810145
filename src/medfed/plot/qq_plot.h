// QQ plot of GWAS p-values: observed against expected -log10(P) under the null (expected
// quantiles (i - 0.5) / n, as R's ppoints), the identity line, a pointwise 95% band from the
// Beta(i, n - i + 1) distribution of the i-th order statistic, and lambda_GC in the corner.
// P-values arrive one at a time: the smallest 2,000 are kept exactly, the rest in a histogram
// of -log10(P) at 0.005 resolution, so memory is fixed however many variants there are.
#pragma once

#include <cstddef>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace medfed::plot {

class QqPlot {
 public:
  QqPlot();

  void Add(double p_value);  // NaN is ignored

  // (expected, observed) -log10(P) pairs to draw, largest first, thinned to what the picture
  // can show.
  std::vector<std::pair<double, double>> Points() const;

  std::string Render(const std::string& title, double lambda_gc) const;

  size_t count() const { return count_; }

 private:
  size_t count_ = 0;
  std::vector<size_t> histogram_;         // by floor(-log10(P) / resolution)
  std::priority_queue<double> smallest_;  // max-heap of the smallest p-values
};

}  // namespace medfed::plot
