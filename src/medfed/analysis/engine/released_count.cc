#include "medfed/analysis/engine/released_count.h"

#include <cmath>

namespace medfed::analysis {

Json ReleasedCount(double count, int min_cell_count) {
  if (privacy::IsSmallCount(count, min_cell_count)) return Json(nullptr);
  return Json(static_cast<int64_t>(count));
}

double NumberOrNan(const Json& value) { return value.is_number() ? value.get<double>() : std::nan(""); }

std::string ReleasedCountText(const Json& count) {
  if (count.is_null()) return "withheld";
  return std::to_string(count.get<int64_t>());
}

}  // namespace medfed::analysis
