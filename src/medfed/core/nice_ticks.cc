#include "medfed/core/nice_ticks.h"

#include <cmath>

namespace medfed {

std::vector<double> NiceTicks(double low, double high, int count) {
  if (!(high > low)) return {low};
  double raw = (high - low) / count;
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (magnitude * factor >= raw) {
      step = magnitude * factor;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(low / step - 1e-9) * step; t <= high + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

}  // namespace medfed
