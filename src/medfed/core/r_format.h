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

// A character matrix as R's print.default(quote = FALSE, right = TRUE) prints it: row names
// left-aligned, each column right-aligned to its widest entry or name, one space between;
// every line starts with `indent` and ends without trailing blanks.
std::string PrintMatrixLikeR(const std::vector<std::string>& row_names, const std::vector<std::string>& column_names,
                             const std::vector<std::vector<std::string>>& columns, const std::string& indent);

// A numeric matrix as print() prints it: each column formatted on its own with `digits`.
std::string PrintNumericMatrixLikeR(const std::vector<std::string>& row_names,
                                    const std::vector<std::string>& column_names,
                                    const std::vector<std::vector<double>>& columns, int digits,
                                    const std::string& indent);

// Each column formatted on its own as print() formats a numeric matrix's; in a row marked
// withheld (disclosure control), column `label_column` says "withheld" and the later ones are
// blank, the earlier ones keep their values (a time, say).
std::vector<std::vector<std::string>> FormatColumnsLikeR(const std::vector<std::vector<double>>& columns, int digits,
                                                         const std::vector<bool>& withheld = {},
                                                         size_t label_column = 0);

// R's printCoefmat(x, digits) for a coefficient table: the first columns (estimates, standard
// errors, ...) formatted together, rounded to the decimals the smallest needs; then a test
// statistic column rounded to digits - 1 decimals; then p-values as format.pval(digits - 1);
// significance stars and their legend when any p-value is under 0.1. NaN is NA.
struct CoefficientTable {
  std::vector<std::string> row_names;
  std::vector<std::string> column_names;     // every column, the statistic and p-value last
  std::vector<std::vector<double>> columns;  // as many as column_names
};
std::string PrintCoefficientTableLikeR(const CoefficientTable& table, int digits, const std::string& indent);

}  // namespace medfed
