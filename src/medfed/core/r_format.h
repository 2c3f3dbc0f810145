// Numbers written as R writes them, so that a printout can be read beside R's: format() of a
// numeric vector (one notation and one number of decimals for all, chosen as R's formatReal in
// src/main/format.c chooses them: the fewest significant digits, at most `digits`, that show
// every value, fixed notation unless scientific is narrower), format.pval() and round().
#pragma once

#include <string>
#include <vector>

namespace medfed {

// R's format(values, digits = digits) (scipen 0), without padding: "NA" for NaN, "Inf", "-Inf".
std::vector<std::string> FormatLikeR(const std::vector<double>& values, int digits);

// R's format.pval(values, digits = digits, eps = eps): values under eps as "< 2e-16" (or "<2e-16"
// when the others are narrow), those of 1e-4 and above in fixed notation formatted together, the
// smaller ones together.
std::vector<std::string> FormatPValuesLikeR(const std::vector<double>& values, int digits,
                                            double eps = 2.220446049250313e-16);

// R's round(x, digits) for digits >= 0.
double RoundLikeR(double value, int digits);

}  // namespace medfed
