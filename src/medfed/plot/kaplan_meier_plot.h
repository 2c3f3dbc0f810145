// The Kaplan-Meier figure of a kaplan_meier result: one step curve per stratum with its 95%
// band, drawn only over the released part of the curve, and a numbers-at-risk table under the
// time axis (small counts shown as "<n").
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace medfed::plot {

std::string KaplanMeierSvg(const nlohmann::ordered_json& result, const std::string& title, int min_cell_count);

}  // namespace medfed::plot
