#include "medfed/core/r_format.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>

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

}  // namespace medfed
