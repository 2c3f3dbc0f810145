// Pearson's chi-square goodness of fit of integer-valued draws to a distribution given by its
// probabilities, as R's chisq.test(x, p = p) after merging sparse cells: bins are taken in order
// of the value and merged until each expects at least 5 draws (Cochran's rule), the remainder
// going to the last bin.
#pragma once

#include <cstdint>
#include <map>

namespace medfed::stats {

// The p-value; `counts` and `probabilities` are keyed by value, `draws` is the number of draws.
double PearsonGoodnessOfFitP(const std::map<int64_t, int>& counts, const std::map<int64_t, double>& probabilities,
                             int draws);

}  // namespace medfed::stats
