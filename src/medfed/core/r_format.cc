#include "medfed/core/r_format.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "medfed/core/text_table.h"

namespace medfed {
namespace {

// For a finite x: the sign, the power of ten of its leading digit and the significant digits
// (at most `digits`) needed to write it to `digits` significant digits: as R's scientific(),
// from the decimal expansion to `digits` digits with trailing zeros dropped.
struct Decomposed {
  bool negative = false;
  int power = 0;
  int significant = 1;
};

Decomposed Decompose(double x, int digits) {
  Decomposed d;
  if (x == 0) return d;
  d.negative = x < 0;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, std::fabs(x));
  const std::string text(buffer);
  const size_t e = text.find('e');
  d.power = std::atoi(text.c_str() + e + 1);
  std::string mantissa;
  for (size_t i = 0; i < e; ++i) {
    if (text[i] != '.') mantissa += text[i];
  }
  while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
  d.significant = static_cast<int>(mantissa.size());
  return d;
}

}  // namespace

std::vector<std::string> FormatLikeR(const std::vector<double>& values, int digits) {
  digits = std::clamp(digits, 1, 22);
  bool any_finite = false, negative = false;
  int right = INT_MIN, max_left = INT_MIN, min_left = INT_MAX, max_sign_left = INT_MIN, max_significant = INT_MIN;
  for (double x : values) {
    if (!std::isfinite(x)) continue;
    any_finite = true;
    const Decomposed d = Decompose(x, digits);
    const int left = d.power + 1;
    const int sign_left = (d.negative ? 1 : 0) + (left <= 0 ? 1 : left);
    negative = negative || d.negative;
    right = std::max(right, d.significant - left);
    max_left = std::max(max_left, left);
    min_left = std::min(min_left, left);
    max_sign_left = std::max(max_sign_left, sign_left);
    max_significant = std::max(max_significant, d.significant);
  }
  bool fixed = true;
  int decimals = 0;
  if (any_finite) {
    if (max_left < 0) max_sign_left = 1 + (negative ? 1 : 0);
    right = std::max(right, 0);
    const int fixed_width = max_sign_left + right + (right != 0 ? 1 : 0);
    const int exponent_digits = (max_left > 100 || min_left <= -99) ? 2 : 1;
    const int mantissa_decimals = max_significant - 1;
    const int scientific_width =
        (negative ? 1 : 0) + (mantissa_decimals > 0 ? 1 : 0) + mantissa_decimals + 4 + exponent_digits;
    fixed = fixed_width <= scientific_width;
    decimals = fixed ? right : mantissa_decimals;
  }
  std::vector<std::string> out;
  out.reserve(values.size());
  for (double x : values) {
    if (std::isnan(x)) {
      out.emplace_back("NA");
    } else if (std::isinf(x)) {
      out.emplace_back(x > 0 ? "Inf" : "-Inf");
    } else {
      char buffer[400];
      std::snprintf(buffer, sizeof buffer, fixed ? "%.*f" : "%.*e", decimals, x);
      std::string text(buffer);
      if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);  // no "-0.00"
      out.push_back(std::move(text));
    }
  }
  return out;
}

std::vector<std::string> FormatPValuesLikeR(const std::vector<double>& values, int digits, double eps) {
  std::vector<std::string> out(values.size());
  std::vector<size_t> fixed, scientific, tiny;
  for (size_t i = 0; i < values.size(); ++i) {
    const double p = values[i];
    if (std::isnan(p)) {
      out[i] = "NA";
    } else if (p < eps) {
      tiny.push_back(i);
    } else {
      const double power = std::floor(std::log10(p > 0 ? p : 1e-50));
      (power >= -3 || (power == -4 && digits > 1) ? fixed : scientific).push_back(i);
    }
  }
  size_t widest = 0;
  for (const auto* group : {&fixed, &scientific}) {
    std::vector<double> chosen;
    for (size_t i : *group) chosen.push_back(values[i]);
    const std::vector<std::string> formatted = FormatLikeR(chosen, digits);
    for (size_t j = 0; j < group->size(); ++j) {
      out[(*group)[j]] = formatted[j];
      widest = std::max(widest, formatted[j].size());
    }
  }
  if (!tiny.empty()) {
    int tiny_digits = std::max(1, digits - 2);
    std::string separator = tiny_digits == 1 ? "" : " ";
    if (!fixed.empty() || !scientific.empty()) {
      const int width = static_cast<int>(widest);
      if (tiny_digits > 1 && tiny_digits + 6 > width) tiny_digits = std::max(1, width - 7);
      separator = tiny_digits == 1 && width <= 6 ? "" : " ";
    }
    const std::string bound = "<" + separator + FormatLikeR({eps}, tiny_digits)[0];
    for (size_t i : tiny) out[i] = bound;
  }
  return out;
}

double RoundLikeR(double value, int digits) {
  if (!std::isfinite(value) || digits > 15) return value;
  // The decimal nearest to the value at `digits` places (printf rounds the exact binary value),
  // which is what R 4's round() returns for the magnitudes printed here.
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return std::strtod(buffer, nullptr);
}

std::string PrintMatrixLikeR(const std::vector<std::string>& row_names, const std::vector<std::string>& column_names,
                             const std::vector<std::vector<std::string>>& columns, const std::string& indent) {
  size_t name_width = 0;
  for (const auto& name : row_names) name_width = std::max(name_width, DisplayWidth(name));
  std::vector<size_t> widths;
  for (size_t c = 0; c < columns.size(); ++c) {
    size_t width = DisplayWidth(column_names[c]);
    for (const auto& cell : columns[c]) width = std::max(width, DisplayWidth(cell));
    widths.push_back(width);
  }
  auto pad_left = [](const std::string& text, size_t width) {
    return std::string(width - std::min(width, DisplayWidth(text)), ' ') + text;
  };
  auto finish = [](std::string line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string header = indent + std::string(name_width, ' ');
  for (size_t c = 0; c < columns.size(); ++c) header += " " + pad_left(column_names[c], widths[c]);
  std::string text = finish(header);
  for (size_t r = 0; r < row_names.size(); ++r) {
    std::string line = indent + row_names[r] + std::string(name_width - DisplayWidth(row_names[r]), ' ');
    for (size_t c = 0; c < columns.size(); ++c) line += " " + pad_left(columns[c][r], widths[c]);
    text += finish(line);
  }
  return text;
}

std::vector<std::vector<std::string>> FormatColumnsLikeR(const std::vector<std::vector<double>>& columns, int digits,
                                                         const std::vector<bool>& withheld, size_t label_column) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& column : columns) cells.push_back(FormatLikeR(column, digits));
  for (size_t r = 0; r < withheld.size(); ++r) {
    if (!withheld[r]) continue;
    for (size_t c = label_column; c < cells.size(); ++c) cells[c][r] = c == label_column ? "withheld" : "";
  }
  return cells;
}

std::string PrintNumericMatrixLikeR(const std::vector<std::string>& row_names,
                                    const std::vector<std::string>& column_names,
                                    const std::vector<std::vector<double>>& columns, int digits,
                                    const std::string& indent) {
  return PrintMatrixLikeR(row_names, column_names, FormatColumnsLikeR(columns, digits), indent);
}

std::string PrintCoefficientTableLikeR(const CoefficientTable& table, int digits, const std::string& indent) {
  const size_t count = table.columns.size();
  if (count < 3) return PrintNumericMatrixLikeR(table.row_names, table.column_names, table.columns, digits, indent);
  const size_t estimate_columns = count - 2;
  const size_t rows = table.row_names.size();
  const int test_digits = std::max(1, std::min(5, digits - 1));
  // The estimate columns together: rounded to as many decimals as their smallest non-zero
  // magnitude needs for `digits` significant ones, formatted as one vector.
  double smallest = INFINITY;
  for (size_t c = 0; c < estimate_columns; ++c) {
    for (double value : table.columns[c]) {
      if (std::isfinite(value) && value != 0) smallest = std::min(smallest, std::fabs(value));
    }
  }
  const int decimals =
      std::isfinite(smallest) ? std::max(1, digits - (1 + static_cast<int>(std::floor(std::log10(smallest))))) : 1;
  std::vector<double> together;
  for (size_t c = 0; c < estimate_columns; ++c) {
    for (double value : table.columns[c])
      together.push_back(std::isfinite(value) ? RoundLikeR(value, decimals) : value);
  }
  std::vector<std::string> formatted = FormatLikeR(together, digits);
  std::vector<std::vector<std::string>> columns(count);
  for (size_t c = 0; c < estimate_columns; ++c) {
    for (size_t r = 0; r < rows; ++r) {
      std::string cell = formatted[c * rows + r];
      // A non-zero value the common format shows as zero is written on its own.
      const double original = table.columns[c][r];
      if (std::isfinite(original) && original != 0 && std::strtod(cell.c_str(), nullptr) == 0) {
        cell = FormatLikeR({original}, std::max(1, digits - 1))[0];
      }
      columns[c].push_back(cell);
    }
  }
  // format() pads a matrix's entries to one width: the estimate columns share it.
  size_t common = 0;
  for (size_t c = 0; c < estimate_columns; ++c) {
    for (const auto& cell : columns[c]) common = std::max(common, cell.size());
  }
  for (size_t c = 0; c < estimate_columns; ++c) {
    for (auto& cell : columns[c]) cell = std::string(common - cell.size(), ' ') + cell;
  }
  std::vector<double> statistics;
  for (double value : table.columns[count - 2]) statistics.push_back(RoundLikeR(value, test_digits));
  columns[count - 2] = FormatLikeR(statistics, digits);
  const std::vector<double>& p_values = table.columns[count - 1];
  columns[count - 1] = FormatPValuesLikeR(p_values, test_digits);
  std::vector<std::string> names = table.column_names;
  bool stars = false;
  for (double p : p_values) stars = stars || (std::isfinite(p) && p < 0.1);
  if (stars) {
    std::vector<std::string> codes;
    for (double p : p_values) {
      codes.emplace_back(!std::isfinite(p) ? "   "
                         : p <= 0.001      ? "***"
                         : p <= 0.01       ? "** "
                         : p <= 0.05       ? "*  "
                         : p <= 0.1        ? ".  "
                                           : "   ");
    }
    columns.push_back(std::move(codes));
    names.emplace_back("");
  }
  std::string text = PrintMatrixLikeR(table.row_names, names, columns, indent);
  if (stars) text += indent + "---\n" + indent + "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1\n";
  return text;
}

}  // namespace medfed
