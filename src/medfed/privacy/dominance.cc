#include "medfed/privacy/dominance.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace medfed::privacy {

bool IsDominated(std::span<const double> values, const DominanceRule& rule) {
  if (rule.n <= 0 || values.empty()) return false;
  std::vector<double> magnitudes;
  magnitudes.reserve(values.size());
  double total = 0, total_squares = 0;
  for (double x : values) {
    const double magnitude = std::fabs(x);
    magnitudes.push_back(magnitude);
    total += magnitude;
    total_squares += magnitude * magnitude;
  }
  if (total == 0) return false;
  const size_t top = std::min(magnitudes.size(), static_cast<size_t>(rule.n));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(top - 1), magnitudes.end(),
                   std::greater<>());
  double largest = 0, largest_squares = 0;
  for (size_t i = 0; i < top; ++i) {
    largest += magnitudes[i];
    largest_squares += magnitudes[i] * magnitudes[i];
  }
  return largest > rule.k * total || largest_squares > rule.k * total_squares;
}

}  // namespace medfed::privacy
