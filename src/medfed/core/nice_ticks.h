// "Nice" axis tick positions (steps of 1, 2, 2.5 or 5 times a power of ten): for figures and for
// the times of a Kaplan-Meier at-risk table.
#pragma once

#include <vector>

namespace medfed {

// Tick positions covering [low, high], about `count` of them; {low} when the range is empty.
std::vector<double> NiceTicks(double low, double high, int count);

}  // namespace medfed
